# Optional CUDA backend (target lorank_cuda). LORANK_CUDA=AUTO enables it when a CUDA
# compiler and cuBLAS/cuSOLVER/cuFFT (toolkit or nvidia/cu13 wheels) are found.
if(LORANK_CUDA STREQUAL "OFF")
  return()
endif()
include(CheckLanguage)
check_language(CUDA)
if(NOT CMAKE_CUDA_COMPILER)
  if(LORANK_CUDA STREQUAL "ON")
    message(FATAL_ERROR "LORANK_CUDA=ON but no CUDA compiler was found")
  endif()
  message(STATUS "lorank: no CUDA compiler, CUDA module skipped")
  return()
endif()

# Find the math libraries before enable_language(CUDA): no compiler probe when they are absent.
get_filename_component(_nvcc_dir "${CMAKE_CUDA_COMPILER}" REALPATH)
get_filename_component(_cuda_root "${_nvcc_dir}/../.." ABSOLUTE)
# NVIDIA wheels: CUDA 13 puts every library under nvidia/cu13/, CUDA 12 under nvidia/<lib>/.
set(_wheel_root "")
set(_nvidia_root "")
if(Python_EXECUTABLE)
  execute_process(COMMAND "${Python_EXECUTABLE}" -c
      "import nvidia.cu13 as m; print(list(m.__path__)[0])"
    OUTPUT_VARIABLE _wheel_root OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND "${Python_EXECUTABLE}" -c
      "import nvidia as m; print(list(m.__path__)[0])"
    OUTPUT_VARIABLE _nvidia_root OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
set(_lorank_cuda_libs "")
foreach(_spec "cublas;cublas_v2.h;libcublas.so.13" "cusolver;cusolverDn.h;libcusolver.so.12"
              "cufft;cufft.h;libcufft.so.12")
  list(GET _spec 0 _n)
  list(GET _spec 1 _h)
  list(GET _spec 2 _so)
  find_path(LORANK_${_n}_INCLUDE ${_h}
    HINTS "${_cuda_root}/include" /usr/local/cuda/include "${_wheel_root}/include"
          "${_nvidia_root}/${_n}/include")
  find_library(LORANK_${_n}_LIBRARY NAMES ${_n} ${_so} lib${_n}.so.12 lib${_n}.so.11
    HINTS "${_cuda_root}/lib64" /usr/local/cuda/lib64 "${_wheel_root}/lib"
          "${_nvidia_root}/${_n}/lib")
  if(NOT LORANK_${_n}_INCLUDE OR NOT LORANK_${_n}_LIBRARY)
    if(LORANK_CUDA STREQUAL "ON")
      message(FATAL_ERROR "LORANK_CUDA=ON but ${_n} was not found "
                          "(pip install 'cuda-toolkit[cublas,cusolver,cufft]==13.0.*')")
    endif()
    message(STATUS "lorank: ${_n} not found, CUDA module skipped")
    return()
  endif()
  add_library(lorank_${_n} SHARED IMPORTED)
  set_target_properties(lorank_${_n} PROPERTIES IMPORTED_LOCATION "${LORANK_${_n}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LORANK_${_n}_INCLUDE}")
  list(APPEND _lorank_cuda_libs lorank_${_n})
endforeach()

if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES 90)
endif()
enable_language(CUDA)
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
find_package(CUDAToolkit REQUIRED)

add_library(lorank_cuda STATIC cpp/cuda/tt_elements.cu cpp/cuda/maxvol.cu cpp/cuda/device.cu
  cpp/cuda/tt_gram.cu cpp/cuda/kron_update.cu)
add_library(lorank::cuda ALIAS lorank_cuda)
target_include_directories(lorank_cuda PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/cpp/include>)
target_link_libraries(lorank_cuda PUBLIC CUDA::cudart_static ${_lorank_cuda_libs})
message(STATUS "lorank: CUDA module enabled (archs ${CMAKE_CUDA_ARCHITECTURES})")
