// Asio's TLS support compiled once, like net/asio_impl.cpp does for the rest of Asio (the
// build defines BOOST_ASIO_SEPARATE_COMPILATION). It lives here because only the outbound
// channels speak TLS, and only this library links OpenSSL's libssl.
#include <boost/asio/ssl/impl/src.hpp>
