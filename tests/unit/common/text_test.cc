#include "common/util/text.h"

#include <gtest/gtest.h>

#include "common/util/fingerprint.h"

namespace steward {
namespace {

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("厨房水龙头漏水"), 7u);
  EXPECT_EQ(Utf8Length("ä€😀"), 3u);
}

TEST(Utf8LengthTest, RejectsMalformedSequences) {
  EXPECT_FALSE(Utf8Length("\xE5\x8E").has_value());      // truncated
  EXPECT_FALSE(Utf8Length("\x80").has_value());          // stray continuation
  EXPECT_FALSE(Utf8Length("\xC0\xAF").has_value());      // overlong lead
  EXPECT_FALSE(Utf8Length("\xF5\x80\x80\x80").has_value());
  EXPECT_FALSE(Utf8Length("a\xE5" "b").has_value());
}

TEST(FingerprintTest, IsSha256) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

}  // namespace
}  // namespace steward
