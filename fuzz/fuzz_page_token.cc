// Fuzz target: List page tokens (common/rpc/resources.h EncodePageToken /
// DecodePageToken): signed with an HMAC key made at random in this process
// and bound to a query key (parent, filters, caller).
//
// Input: qa_len:u8 qa  qb_len:u8 qb  after_id:8 bytes  edits:u8
//        (edits × pos:u8 op:u8 value:u8)  token (the rest).
//
// Invariants:
//   * the token of the input never decodes (the fuzzer cannot know the key)
//     except the empty one, which is the first page;
//   * a token EncodePageToken made for (cursor, qa) decodes under qa to that
//     cursor, re-encodes to the same bytes, and decodes under qb only when
//     qb is qa;
//   * the edited copy of such a token decodes only when it is byte-identical
//     to it ("cannot be forged or edited");
//   * every refusal is INVALID_ARGUMENT naming page_token.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "common/rpc/errors.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/resources.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/status_details.h"

namespace steward::fuzz {
namespace {

void CheckRefusal(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             status.ToString());
  FUZZ_CHECK(absl::StartsWith(status.message(), "page_token: "),
             status.ToString());
  auto fields = BadRequestFields(rpc::ToGrpcStatus(status));
  FUZZ_CHECK(fields.has_value() && fields->size() == 1 &&
                 (*fields)[0] == "page_token",
             status.ToString());
}

struct Reader {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  uint8_t Byte() { return pos < size ? data[pos++] : 0; }
  std::string Bytes(size_t n) {
    n = std::min(n, size - pos);
    std::string out(reinterpret_cast<const char*>(data) + pos, n);
    pos += n;
    return out;
  }
};

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace steward::fuzz;
  using steward::rpc::DecodePageToken;
  using steward::rpc::EncodePageToken;
  using steward::rpc::PageCursor;
  Reader in{data, size};
  const std::string qa = in.Bytes(in.Byte());
  const std::string qb = in.Bytes(in.Byte());
  int64_t after_id = 0;
  const std::string id_bytes = in.Bytes(8);
  std::memcpy(&after_id, id_bytes.data(), id_bytes.size());
  struct Edit {
    uint8_t pos, op, value;
  };
  std::vector<Edit> edits(in.Byte() % 8);
  for (Edit& e : edits) e = {in.Byte(), in.Byte(), in.Byte()};
  const std::string raw = in.Bytes(size);

  // The fuzzer's own token.
  auto forged = DecodePageToken(raw, qa);
  if (raw.empty()) {
    FUZZ_CHECK(forged.ok() && forged->after_id == 0);
  } else {
    FUZZ_CHECK(!forged.ok(), "a token this process never issued decoded");
    CheckRefusal(forged.status());
  }

  if (after_id <= 0) return 0;  // NextPageToken issues positive ids only
  const std::string token = EncodePageToken(PageCursor{after_id}, qa);
  FUZZ_CHECK(!token.empty() && token.size() <= 512, token);
  auto decoded = DecodePageToken(token, qa);
  FUZZ_CHECK(decoded.ok() && decoded->after_id == after_id,
             decoded.status().ToString());
  FUZZ_CHECK(EncodePageToken(*decoded, qa) == token,
             "a decoded token re-encodes differently");
  auto other = DecodePageToken(token, qb);
  FUZZ_CHECK(other.ok() == (qa == qb), "a token crossed query keys");
  if (!other.ok()) CheckRefusal(other.status());

  std::string edited = token;
  for (const Edit& e : edits) {
    const size_t pos = edited.empty() ? 0 : e.pos % (edited.size() + 1);
    switch (e.op % 4) {
      case 0:  // overwrite a character
        if (pos < edited.size()) edited[pos] = static_cast<char>(e.value);
        break;
      case 1:  // insert one
        edited.insert(edited.begin() + pos, static_cast<char>(e.value));
        break;
      case 2:  // cut the rest
        edited.resize(pos);
        break;
      case 3:  // drop one
        if (pos < edited.size()) edited.erase(pos, 1);
        break;
    }
  }
  auto changed = DecodePageToken(edited, qa);
  if (changed.ok() && !edited.empty()) {
    FUZZ_CHECK(edited == token,
               "an edited page token was accepted: " + edited + " for " + token);
  }
  if (!changed.ok()) CheckRefusal(changed.status());
  return 0;
}
