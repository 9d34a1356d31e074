// Pure helpers for owners' personal information: normalising phone numbers
// before LookupHash, and masking phone numbers, names and addresses for
// display to staff who need to recognise a record but not read it in full.
#ifndef STEWARD_COMMON_CRYPTO_PERSONAL_DATA_H_
#define STEWARD_COMMON_CRYPTO_PERSONAL_DATA_H_

#include <string>

#include "absl/strings/string_view.h"

namespace steward::crypto {

// The phone number without separators (ASCII whitespace, '-', '.', '(', ')')
// and without a leading China country code ("+86" or "0086", also when
// written "+86 " or "(+86)"): "+86 138-1234-1234" -> "13812341234". Other
// country codes keep their '+': "+1 (555) 123-4567" -> "+15551234567". Any
// other character is kept as is, so malformed input never normalises onto a
// valid number; validating the shape is the caller's job. Apply before
// DataKeyRing::LookupHash on both the stored and the searched value.
std::string NormalizePhone(absl::string_view phone);

// Masks a phone number. Empty -> empty.
// - A mainland mobile number (11 digits starting with '1' after
//   NormalizePhone) -> first 3 and last 4 digits, the 4 between as '*':
//   "+86 138 1234 1234" -> "138****1234".
// - Otherwise it is masked in place: separators (whitespace, '-', '.', '(',
//   ')', '+') stay, and of the other N characters (digits, normally):
//   N >= 8: the first 3 and last 4 stay; 3 <= N < 8: the last 2 stay;
//   N <= 2: none stay. "021-5555" -> "***-**55",
//   "+1 555 123 4567" -> "+1 55* *** 4567".
// At least one character is always masked.
std::string MaskPhone(absl::string_view phone);

// Masks a person's name: the first character (UTF-8 code point) stays, each
// other one becomes '*'. "张三" -> "张*", "欧阳娜娜" -> "欧***", "Li" -> "L*";
// a single character -> "*"; empty -> empty. Surrounding whitespace is
// dropped first.
std::string MaskName(absl::string_view name);

// Masks a household address. A household of '-'-separated ASCII
// letter-or-digit segments ("3-2-1201": building-unit-room) keeps its first
// segment (the building) and masks every other character: "3-*-****". Free
// text keeps its first 2 characters (1 if it has only 2) followed by a fixed
// "****" that hides the length: "阳光花园3栋" -> "阳光****". Empty -> empty.
// Surrounding whitespace is dropped first.
std::string MaskAddress(absl::string_view household);

}  // namespace steward::crypto

#endif  // STEWARD_COMMON_CRYPTO_PERSONAL_DATA_H_
