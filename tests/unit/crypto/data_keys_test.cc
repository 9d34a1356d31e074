#include "common/crypto/data_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace steward::crypto {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::string_view kPhoneColumn = "tickets.contact_phone";
constexpr absl::string_view kNameColumn = "tickets.contact_name";

// "<id> <base64 of 32 bytes of `fill`>".
std::string KeyLine(absl::string_view id, char fill, size_t size = 32) {
  return absl::StrCat(id, " ", absl::Base64Escape(std::string(size, fill)),
                      "\n");
}

DataKeyRing MustParse(absl::string_view text) {
  absl::StatusOr<DataKeyRing> ring = DataKeyRing::Parse(text);
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *std::move(ring);
}

// The opened value, or the error as text so a failure reads well and never
// dereferences an error.
std::string Opened(const absl::StatusOr<std::string>& opened) {
  return opened.ok() ? *opened : "error: " + opened.status().ToString();
}

// Ring A: k1 active. Ring B: k2 active, k1 kept for old data, same lookup key.
DataKeyRing RingA() {
  return MustParse(KeyLine("k1", 'a') + KeyLine("lookup", 'L'));
}
DataKeyRing RingB() {
  return MustParse(KeyLine("k2", 'b') + KeyLine("k1", 'a') +
                   KeyLine("lookup", 'L'));
}

TEST(DataKeyRingTest, RoundTripsAsciiChineseAndBinary) {
  const DataKeyRing ring = RingA();
  for (const std::string& value :
       {std::string("13812341234"), std::string("张三"),
        std::string("北京市朝阳区阳光花园3-2-1201"), std::string("x"),
        std::string("a\0b\xff", 4), std::string(5000, 'z')}) {
    const std::string sealed = ring.Seal(value, kPhoneColumn);
    absl::StatusOr<std::string> opened = ring.Open(sealed, kPhoneColumn);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, value);
  }
}

TEST(DataKeyRingTest, EmptyStaysEmpty) {
  const DataKeyRing ring = RingA();
  EXPECT_EQ(ring.Seal("", kPhoneColumn), "");
  absl::StatusOr<std::string> opened = ring.Open("", kPhoneColumn);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "");
}

TEST(DataKeyRingTest, BlobLayoutCarriesVersionAndKeyId) {
  const DataKeyRing ring = RingA();
  const std::string sealed = ring.Seal("hello", kPhoneColumn);
  ASSERT_EQ(sealed.size(), 1u + 1u + 2u + 12u + 5u + 16u);
  EXPECT_EQ(sealed[0], '\x01');
  EXPECT_EQ(sealed[1], '\x02');
  EXPECT_EQ(sealed.substr(2, 2), "k1");
  EXPECT_EQ(DataKeyRing::SealedKeyId(sealed), "k1");
}

TEST(DataKeyRingTest, SealingTwiceGivesDifferentBlobs) {
  const DataKeyRing ring = RingA();
  const std::string first = ring.Seal("13812341234", kPhoneColumn);
  const std::string second = ring.Seal("13812341234", kPhoneColumn);
  EXPECT_NE(first, second);
  // The nonces (right after the 4-byte header) differ.
  EXPECT_NE(first.substr(4, 12), second.substr(4, 12));
  EXPECT_EQ(Opened(ring.Open(first, kPhoneColumn)), "13812341234");
  EXPECT_EQ(Opened(ring.Open(second, kPhoneColumn)), "13812341234");
}

TEST(DataKeyRingTest, CiphertextDoesNotContainThePlaintext) {
  const DataKeyRing ring = RingA();
  for (const std::string value :
       {"13812341234", "张三丰", "3-2-1201 Sunshine Garden"}) {
    const std::string sealed = ring.Seal(value, kPhoneColumn);
    EXPECT_EQ(sealed.find(value), std::string::npos) << value;
    // Not even a 4-byte run of it.
    for (size_t i = 0; i + 4 <= value.size(); ++i) {
      EXPECT_EQ(sealed.find(value.substr(i, 4)), std::string::npos) << value;
    }
  }
}

TEST(DataKeyRingTest, WrongContextIsDataLoss) {
  const DataKeyRing ring = RingA();
  const std::string sealed = ring.Seal("13812341234", kPhoneColumn);
  absl::StatusOr<std::string> opened = ring.Open(sealed, kNameColumn);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(opened.status().message(), Not(HasSubstr("13812341234")));
  EXPECT_EQ(ring.Open(sealed, "").status().code(), absl::StatusCode::kDataLoss);
}

TEST(DataKeyRingTest, EveryFlippedBitIsDetected) {
  const DataKeyRing ring = RingA();
  const std::string sealed = ring.Seal("13812341234", kPhoneColumn);
  const size_t header_size = 4;  // 0x01, 2, "k1"
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string tampered = sealed;
      tampered[i] = static_cast<char>(tampered[i] ^ (1 << bit));
      absl::StatusOr<std::string> opened = ring.Open(tampered, kPhoneColumn);
      ASSERT_FALSE(opened.ok()) << "byte " << i << " bit " << bit;
      if (i < header_size) {
        // A changed key id may name a key this ring does not have.
        EXPECT_THAT(opened.status().code(),
                    AnyOf(absl::StatusCode::kDataLoss,
                          absl::StatusCode::kFailedPrecondition))
            << "byte " << i << " bit " << bit;
      } else {
        EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
            << "byte " << i << " bit " << bit;
      }
      EXPECT_THAT(opened.status().message(), Not(HasSubstr("13812341234")));
    }
  }
}

TEST(DataKeyRingTest, TruncatedOrExtendedBlobsAreDataLoss) {
  const DataKeyRing ring = RingA();
  const std::string sealed = ring.Seal("13812341234", kPhoneColumn);
  for (size_t size = 1; size < sealed.size(); ++size) {
    EXPECT_EQ(ring.Open(sealed.substr(0, size), kPhoneColumn).status().code(),
              absl::StatusCode::kDataLoss)
        << size;
  }
  EXPECT_EQ(ring.Open(sealed + "x", kPhoneColumn).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ring.Open("13812341234", kPhoneColumn).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(DataKeyRingTest, UnknownKeyIdIsFailedPrecondition) {
  const DataKeyRing ring_b = RingB();
  const DataKeyRing only_k3 =
      MustParse(KeyLine("k3", 'c') + KeyLine("lookup", 'L'));
  const std::string sealed = ring_b.Seal("13812341234", kPhoneColumn);
  absl::StatusOr<std::string> opened = only_k3.Open(sealed, kPhoneColumn);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("\"k2\""));
  EXPECT_THAT(opened.status().message(), Not(HasSubstr("13812341234")));
}

TEST(DataKeyRingTest, SameIdButAnotherKeyIsDataLoss) {
  const DataKeyRing ring = RingA();
  const DataKeyRing impostor =
      MustParse(KeyLine("k1", 'z') + KeyLine("lookup", 'L'));
  EXPECT_EQ(impostor.Open(ring.Seal("张三", kNameColumn), kNameColumn)
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(DataKeyRingTest, RotationOpensOldBlobsAndSealsWithTheNewKey) {
  const DataKeyRing ring_a = RingA();
  const DataKeyRing ring_b = RingB();
  EXPECT_EQ(ring_a.active_key_id(), "k1");
  EXPECT_EQ(ring_b.active_key_id(), "k2");

  const std::string old_blob = ring_a.Seal("张三", kNameColumn);
  absl::StatusOr<std::string> opened = ring_b.Open(old_blob, kNameColumn);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "张三");

  // A re-encryption job: anything not under the active key is resealed.
  ASSERT_NE(DataKeyRing::SealedKeyId(old_blob), ring_b.active_key_id());
  const std::string new_blob = ring_b.Seal(*opened, kNameColumn);
  EXPECT_EQ(DataKeyRing::SealedKeyId(new_blob), "k2");
  EXPECT_EQ(Opened(ring_b.Open(new_blob, kNameColumn)), "张三");
  // The old ring has never heard of k2.
  EXPECT_EQ(ring_a.Open(new_blob, kNameColumn).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DataKeyRingTest, SealedKeyIdOfMalformedBlobsIsEmpty) {
  EXPECT_EQ(DataKeyRing::SealedKeyId(""), "");
  EXPECT_EQ(DataKeyRing::SealedKeyId("garbage"), "");
  EXPECT_EQ(DataKeyRing::SealedKeyId(std::string("\x01\x02k1", 4)), "");
  std::string sealed = RingA().Seal("x", kPhoneColumn);
  sealed[0] = '\x02';  // unknown version
  EXPECT_EQ(DataKeyRing::SealedKeyId(sealed), "");
}

TEST(DataKeyRingTest, CopiesShareTheKeysAndWorkAcrossThreads) {
  const DataKeyRing ring = RingB();
  const DataKeyRing copy = ring;  // NOLINT(performance-unnecessary-copy-...)
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const DataKeyRing& mine = t % 2 == 0 ? ring : copy;
      for (int i = 0; i < 200; ++i) {
        const std::string value = absl::StrCat("1380000", t, i);
        absl::StatusOr<std::string> opened =
            mine.Open(mine.Seal(value, kPhoneColumn), kPhoneColumn);
        if (!opened.ok() || *opened != value ||
            !mine.Verify("p", value, mine.Sign("p", value))) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

TEST(LookupHashTest, IsStableAcrossRotationAndSeparatesContextsAndKeys) {
  const DataKeyRing ring_a = RingA();
  const DataKeyRing ring_b = RingB();
  const std::string hash = ring_a.LookupHash(kPhoneColumn, "13812341234");
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_EQ(ring_a.LookupHash(kPhoneColumn, "13812341234"), hash);
  EXPECT_EQ(ring_b.LookupHash(kPhoneColumn, "13812341234"), hash);

  EXPECT_NE(ring_a.LookupHash(kNameColumn, "13812341234"), hash);
  EXPECT_NE(ring_a.LookupHash(kPhoneColumn, "13812341235"), hash);
  // The context is length-prefixed, so the boundary matters.
  EXPECT_NE(ring_a.LookupHash("ab", "c"), ring_a.LookupHash("a", "bc"));

  const DataKeyRing other_lookup =
      MustParse(KeyLine("k1", 'a') + KeyLine("lookup", 'M'));
  EXPECT_NE(other_lookup.LookupHash(kPhoneColumn, "13812341234"), hash);
}

TEST(LookupHashTest, MatchesTheDocumentedLayout) {
  // Stored in indexed columns, so the layout must never drift:
  // HMAC-SHA256(lookup key, be32(len(context)) | context | value), computed
  // independently of this code.
  EXPECT_EQ(
      absl::BytesToHexString(RingA().LookupHash(kPhoneColumn, "13812341234")),
      "d29ff949ed107cc367d76f83cca24db6eaa9eaf5c9244f4b329c4662f1b2838f");
}

TEST(SignTest, MatchesTheDocumentedDerivation) {
  // HMAC-SHA256(HMAC-SHA256(k1, "steward/page_token"), data), tagged "k1".
  EXPECT_EQ(absl::BytesToHexString(RingA().Sign("page_token", "offset=40")),
            "026b31"
            "f337b019893cac7ffb93f76edbe163c4d0a3105d53d7ae0a0c14395e1add438d");
}

TEST(SignTest, AcceptsItsOwnMacsAndRejectsAnythingElse) {
  const DataKeyRing ring = RingA();
  const std::string mac = ring.Sign("page_token", "offset=40");
  EXPECT_EQ(mac.size(), 1u + 2u + 32u);
  EXPECT_EQ(mac[0], '\x02');
  EXPECT_EQ(mac.substr(1, 2), "k1");
  EXPECT_EQ(ring.Sign("page_token", "offset=40"), mac);  // deterministic
  EXPECT_TRUE(ring.Verify("page_token", "offset=40", mac));

  EXPECT_FALSE(ring.Verify("page_token", "offset=41", mac));
  EXPECT_FALSE(ring.Verify("page_token", "", mac));
  EXPECT_FALSE(ring.Verify("other_purpose", "offset=40", mac));
  EXPECT_FALSE(ring.Verify("page_token", "offset=40", ""));
  EXPECT_FALSE(ring.Verify("page_token", "offset=40", mac.substr(0, 34)));
  EXPECT_FALSE(ring.Verify("page_token", "offset=40", mac + "x"));
  for (size_t i = 0; i < mac.size(); ++i) {
    std::string tampered = mac;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_FALSE(ring.Verify("page_token", "offset=40", tampered)) << i;
  }
}

TEST(SignTest, PurposesUseDifferentKeys) {
  const DataKeyRing ring = RingA();
  EXPECT_NE(ring.Sign("page_token", "x"), ring.Sign("export_link", "x"));
}

TEST(SignTest, OtherRingsRejectAndRotatedRingsAccept) {
  const DataKeyRing ring_a = RingA();
  const DataKeyRing ring_b = RingB();
  const DataKeyRing stranger =
      MustParse(KeyLine("k1", 'q') + KeyLine("lookup", 'L'));
  const std::string mac_a = ring_a.Sign("page_token", "offset=40");
  EXPECT_FALSE(stranger.Verify("page_token", "offset=40", mac_a));
  // After rotation, tokens signed with k1 still verify; new ones use k2.
  EXPECT_TRUE(ring_b.Verify("page_token", "offset=40", mac_a));
  const std::string mac_b = ring_b.Sign("page_token", "offset=40");
  EXPECT_EQ(mac_b.substr(1, 2), "k2");
  EXPECT_TRUE(ring_b.Verify("page_token", "offset=40", mac_b));
  EXPECT_FALSE(ring_a.Verify("page_token", "offset=40", mac_b));
}

TEST(ParseTest, AcceptsCommentsBlankLinesAndCrlf) {
  const std::string text = absl::StrCat(
      "# Steward keys\n\n   \n", "k2 ",
      absl::Base64Escape(std::string(32, 'b')), "  # newest\r\n", "\tk1\t",
      absl::Base64Escape(std::string(32, 'a')), "\r\n", KeyLine("lookup", 'L'));
  absl::StatusOr<DataKeyRing> ring = DataKeyRing::Parse(text);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_key_id(), "k2");
  EXPECT_EQ(Opened(ring->Open(RingA().Seal("v", kPhoneColumn), kPhoneColumn)),
            "v");
}

// Parses `text`, expects INVALID_ARGUMENT whose message contains `want`.
void ExpectParseError(const std::string& text, absl::string_view want) {
  absl::StatusOr<DataKeyRing> ring = DataKeyRing::Parse(text);
  ASSERT_FALSE(ring.ok()) << text;
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ring.status().message(), HasSubstr(want));
}

TEST(ParseTest, RejectsDuplicateIds) {
  ExpectParseError(
      KeyLine("k1", 'a') + KeyLine("lookup", 'L') + KeyLine("k1", 'b'),
      "line 3: duplicate key id \"k1\"");
  ExpectParseError(
      KeyLine("k1", 'a') + KeyLine("lookup", 'L') + KeyLine("lookup", 'M'),
      "line 3: duplicate key id \"lookup\"");
}

TEST(ParseTest, RejectsBadBase64WithoutEchoingIt) {
  const std::string bad = "not*base64!!";
  ExpectParseError(
      absl::StrCat("# keys\nk1 ", bad, "\n") + KeyLine("lookup", 'L'),
      "line 2:");
  absl::StatusOr<DataKeyRing> ring = DataKeyRing::Parse(
      absl::StrCat("k1 ", bad, "\n") + KeyLine("lookup", 'L'));
  EXPECT_THAT(ring.status().message(), Not(HasSubstr(bad)));
}

TEST(ParseTest, RejectsKeysOfTheWrongLengthWithoutEchoingThem) {
  const std::string short_key = KeyLine("k1", 'a', 31);
  ExpectParseError(KeyLine("lookup", 'L') + short_key, "line 2:");
  ExpectParseError(KeyLine("lookup", 'L') + short_key, "31 bytes");
  ExpectParseError(KeyLine("lookup", 'L') + KeyLine("k1", 'a', 33), "33 bytes");
  ExpectParseError(KeyLine("lookup", 'L', 16) + KeyLine("k1", 'a'), "line 1:");
  absl::StatusOr<DataKeyRing> ring =
      DataKeyRing::Parse(KeyLine("lookup", 'L') + short_key);
  EXPECT_THAT(ring.status().message(),
              Not(HasSubstr(absl::Base64Escape(std::string(31, 'a')))));
}

TEST(ParseTest, RejectsMissingLookupOrActiveKey) {
  ExpectParseError(KeyLine("k1", 'a'), "no \"lookup\" key");
  ExpectParseError(KeyLine("lookup", 'L'), "no active key");
  ExpectParseError("", "no \"lookup\" key");
  ExpectParseError("# only a comment\n", "no \"lookup\" key");
}

TEST(ParseTest, RejectsMalformedLinesAndIds) {
  ExpectParseError(KeyLine("lookup", 'L') + "k1\n", "line 2:");
  ExpectParseError(KeyLine("lookup", 'L') + "k1 AAAA BBBB\n", "line 2:");
  ExpectParseError(KeyLine("lookup", 'L') + KeyLine("k.1", 'a'),
                   "line 2: key id");
  ExpectParseError(
      KeyLine("lookup", 'L') + KeyLine("abcdefghijklmnopq", 'a'),  // 17
      "line 2: key id");
  EXPECT_TRUE(DataKeyRing::Parse(KeyLine("lookup", 'L') +
                                 KeyLine("abcdefghij-_0123", 'a'))  // 16
                  .ok());
}

TEST(GenerateTextTest, ParsesIntoAFreshRing) {
  const std::string text = DataKeyRing::GenerateText();
  absl::StatusOr<DataKeyRing> ring = DataKeyRing::Parse(text);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_key_id(), "k1");
  EXPECT_EQ(Opened(ring->Open(ring->Seal("张三", kNameColumn), kNameColumn)),
            "张三");

  // Another generated ring has other keys under the same ids.
  const std::string other_text = DataKeyRing::GenerateText();
  EXPECT_NE(other_text, text);
  const DataKeyRing other = MustParse(other_text);
  EXPECT_EQ(
      other.Open(ring->Seal("张三", kNameColumn), kNameColumn).status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_NE(other.LookupHash(kPhoneColumn, "1"),
            ring->LookupHash(kPhoneColumn, "1"));
}

TEST(LoadFileTest, ReadsAFileAndNamesThePathOnErrors) {
  const std::string dir = ::testing::TempDir();
  const std::string good = dir + "/crypto_test_good.keys";
  {
    std::ofstream out(good);
    out << DataKeyRing::GenerateText();
  }
  absl::StatusOr<DataKeyRing> ring = DataKeyRing::LoadFile(good);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_key_id(), "k1");

  const std::string missing = dir + "/crypto_test_missing.keys";
  absl::StatusOr<DataKeyRing> absent = DataKeyRing::LoadFile(missing);
  EXPECT_EQ(absent.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(absent.status().message(), HasSubstr(missing));

  absl::StatusOr<DataKeyRing> directory = DataKeyRing::LoadFile(dir);
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kInvalidArgument);

  const std::string bad = dir + "/crypto_test_bad.keys";
  {
    std::ofstream out(bad);
    out << KeyLine("k1", 'a');
  }
  absl::StatusOr<DataKeyRing> unparsable = DataKeyRing::LoadFile(bad);
  EXPECT_EQ(unparsable.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unparsable.status().message(), HasSubstr(bad));
  EXPECT_THAT(unparsable.status().message(), HasSubstr("lookup"));
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace steward::crypto
