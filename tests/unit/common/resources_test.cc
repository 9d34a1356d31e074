#include "common/rpc/resources.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"

namespace steward::rpc {
namespace {

TEST(ParseNameTest, SplitsIdsOfTheGivenCollections) {
  auto ids = ParseName("communities/c1/tickets/42", {"communities", "tickets"},
                       "name");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::vector<std::string>{"c1", "42"}));
}

TEST(ParseNameTest, RejectsWrongShapesNamingTheField) {
  for (const char* bad :
       {"", "communities/c1", "communities/c1/tickets/", "communities//tickets/1",
        "communities/c1/notices/1", "communities/c1/tickets/1/extra",
        "x/c1/tickets/1"}) {
    auto ids = ParseName(bad, {"communities", "tickets"}, "name");
    EXPECT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(ids.status().message().find("name:"), std::string::npos) << bad;
    EXPECT_NE(ids.status().message().find("communities/{id}/tickets/{id}"),
              std::string::npos);
  }
  EXPECT_FALSE(ParseName("communities/" + std::string(64, 'a'), {"communities"},
                         "parent")
                   .ok());
}

TEST(CommunityParentTest, AcceptsSlugsOnly) {
  EXPECT_EQ(*ParseCommunityParent("communities/harbour-view-2", "parent"),
            "harbour-view-2");
  EXPECT_FALSE(ParseCommunityParent("communities/Harbour", "parent").ok());
  EXPECT_FALSE(ParseCommunityParent("communities/-x", "parent").ok());
  EXPECT_FALSE(ParseCommunityParent("communities/a_b", "parent").ok());
  EXPECT_FALSE(ParseCommunityParent("communities/a b", "parent").ok());
}

TEST(RowIdTest, PositiveDecimalsOnly) {
  EXPECT_EQ(*ParseRowId("42", "name"), 42);
  EXPECT_EQ(*ParseRowId("9223372036854775807", "name"), 9223372036854775807LL);
  for (const char* bad : {"0", "-1", "+1", "1e3", "abc", "", "92233720368547758070",
                          " 1"}) {
    EXPECT_FALSE(ParseRowId(bad, "name").ok()) << bad;
  }
}

TEST(RequestIdTest, RequiredBoundedAndPlain) {
  EXPECT_TRUE(ValidateRequestId("3f1c7a3e-1b2d-4c5e-8f90-123456789abc").ok());
  EXPECT_TRUE(ValidateRequestId("app:order.17_a").ok());
  EXPECT_EQ(ValidateRequestId("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ValidateRequestId(std::string(65, 'a')).ok());
  EXPECT_TRUE(ValidateRequestId(std::string(64, 'a')).ok());
  EXPECT_FALSE(ValidateRequestId("a b").ok());
  EXPECT_FALSE(ValidateRequestId("a/b").ok());
}

TEST(EtagTest, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(*ParseEtag(FormatEtag(7)), 7);
  EXPECT_FALSE(ParseEtag("7").ok());
  EXPECT_FALSE(ParseEtag("W/").ok());
  EXPECT_FALSE(ParseEtag("W/0").ok());
  EXPECT_FALSE(ParseEtag("W/x").ok());
}

TEST(PageSizeTest, DefaultsAndCaps) {
  EXPECT_EQ(*NormalizePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*NormalizePageSize(7), 7);
  EXPECT_EQ(*NormalizePageSize(kMaxPageSize + 1), kMaxPageSize);
  EXPECT_EQ(NormalizePageSize(-1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, RoundTripsForTheSameQuery) {
  const std::string token = EncodePageToken({1234}, "tickets|c1|0|0|0");
  EXPECT_FALSE(token.empty());
  auto cursor = DecodePageToken(token, "tickets|c1|0|0|0");
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->after_id, 1234);
  EXPECT_EQ(DecodePageToken("", "anything")->after_id, 0);
}

TEST(PageTokenTest, RejectsAnotherQueryAndTamperedTokens) {
  const std::string token = EncodePageToken({1234}, "tickets|c1|0|0|0");
  auto other = DecodePageToken(token, "tickets|c2|0|0|0");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("page_token"), std::string::npos);
  std::string tampered = token;
  tampered[tampered.size() / 2] ^= 0x01;
  EXPECT_FALSE(DecodePageToken(tampered, "tickets|c1|0|0|0").ok());
  EXPECT_FALSE(DecodePageToken("!!!not base64!!!", "q").ok());
  EXPECT_FALSE(DecodePageToken(std::string(600, 'A'), "q").ok());
}

TEST(PageTokenTest, RejectsOtherSpellingsOfAGoodToken) {
  // Found by fuzz_page_token: the base64 decoder skips blanks, so an edited
  // token still passed the MAC.
  const std::string token = EncodePageToken({1234}, "q");
  for (const std::string& edited :
       {token.substr(0, 5) + " " + token.substr(5), token + "\n", token + "=",
        " " + token}) {
    auto cursor = DecodePageToken(edited, "q");
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument)
        << edited;
    EXPECT_NE(cursor.status().message().find("page_token"), std::string::npos);
  }
  // Appending an unknown proto field (field 15, varint 1) to the cursor.
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  std::string extended;
  absl::WebSafeBase64Escape(bytes + "\x78\x01", &extended);
  EXPECT_FALSE(DecodePageToken(extended, "q").ok());
  EXPECT_TRUE(DecodePageToken(token, "q").ok());
}

}  // namespace
}  // namespace steward::rpc
