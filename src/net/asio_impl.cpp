// The one translation unit that compiles Asio and Beast. CMake defines
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION for every file, so the
// non-template parts of both libraries are built here once instead of in every file that
// includes them.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
