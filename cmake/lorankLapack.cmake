# Selects the LAPACK provider and defines the INTERFACE target lorank_lapack plus
# LORANK_LAPACK_PREFIX (the symbol prefix: scipy_ for scipy-openblas32, empty otherwise).
add_library(lorank_lapack INTERFACE)
if(LORANK_LAPACK STREQUAL "system")
  find_package(LAPACK REQUIRED)
  target_link_libraries(lorank_lapack INTERFACE LAPACK::LAPACK)
  set(LORANK_LAPACK_PREFIX "")
  set(LORANK_OPENBLAS_LIB "")
elseif(LORANK_LAPACK STREQUAL "scipy-openblas")
  if(NOT Python_EXECUTABLE)
    find_package(Python 3.10 REQUIRED COMPONENTS Interpreter)
  endif()
  # Ask where the wheel lives without importing it (its __init__ loads RTLD_GLOBAL).
  execute_process(
    COMMAND "${Python_EXECUTABLE}" -c
      "import importlib.util as u, os; s=u.find_spec('scipy_openblas32'); print(os.path.join(s.submodule_search_locations[0], 'lib'))"
    OUTPUT_VARIABLE LORANK_OPENBLAS_LIB OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _rc ERROR_QUIET)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "LORANK_LAPACK=scipy-openblas but scipy-openblas32 is not installed for "
                        "${Python_EXECUTABLE} (pip install scipy-openblas32), or use LORANK_LAPACK=system")
  endif()
  find_package(OpenBLAS CONFIG REQUIRED HINTS "${LORANK_OPENBLAS_LIB}/cmake/openblas" NO_DEFAULT_PATH)
  target_link_libraries(lorank_lapack INTERFACE OpenBLAS::OpenBLAS)
  set(LORANK_LAPACK_PREFIX scipy_)
else()
  message(FATAL_ERROR "LORANK_LAPACK must be scipy-openblas or system, got '${LORANK_LAPACK}'")
endif()
message(STATUS "lorank: LAPACK provider ${LORANK_LAPACK} (prefix '${LORANK_LAPACK_PREFIX}')")
