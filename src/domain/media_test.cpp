#include "domain/media.hpp"

#include <gtest/gtest.h>

namespace siaga::domain {
namespace {

using namespace std::string_view_literals;

TEST(media, image_types_are_told_by_their_first_bytes) {
  EXPECT_EQ(sniff_image_type("\xFF\xD8\xFF\xE0\x00\x10JFIF"sv), image_jpeg);
  EXPECT_EQ(sniff_image_type("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR"sv), image_png);
  EXPECT_EQ(sniff_image_type("RIFF\x24\x00\x00\x00WEBPVP8 "sv), image_webp);

  EXPECT_EQ(sniff_image_type(""sv), std::nullopt);
  EXPECT_EQ(sniff_image_type("\xFF\xD8"sv), std::nullopt) << "truncated JPEG";
  EXPECT_EQ(sniff_image_type("\x89PNG\r\n"sv), std::nullopt) << "truncated PNG signature";
  EXPECT_EQ(sniff_image_type("RIFF\x24\x00\x00\x00WAVEfmt "sv), std::nullopt) << "a RIFF that is not WEBP";
  EXPECT_EQ(sniff_image_type("RIFF\x24\x00\x00\x00WEB"sv), std::nullopt);
  EXPECT_EQ(sniff_image_type("GIF89a\x01\x00"sv), std::nullopt) << "GIF is not accepted";
  EXPECT_EQ(sniff_image_type("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"sv), std::nullopt);
  EXPECT_EQ(sniff_image_type("%PDF-1.7"sv), std::nullopt);
}

TEST(media, content_types_name_an_accepted_image_type_or_none) {
  EXPECT_EQ(accepted_image_type("image/jpeg"), image_jpeg);
  EXPECT_EQ(accepted_image_type("image/png"), image_png);
  EXPECT_EQ(accepted_image_type("image/webp"), image_webp);
  EXPECT_EQ(accepted_image_type("Image/JPEG; charset=binary"), image_jpeg);
  EXPECT_EQ(accepted_image_type(" image/png "), image_png);

  EXPECT_EQ(accepted_image_type(""), std::nullopt);
  EXPECT_EQ(accepted_image_type("image/jpg"), std::nullopt);
  EXPECT_EQ(accepted_image_type("image/gif"), std::nullopt);
  EXPECT_EQ(accepted_image_type("image/svg+xml"), std::nullopt);
  EXPECT_EQ(accepted_image_type("application/octet-stream"), std::nullopt);
  EXPECT_EQ(accepted_image_type("image/pngx"), std::nullopt);
}

TEST(media, sha256_is_lower_case_hex) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace siaga::domain
