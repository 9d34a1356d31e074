#include "common/crypto/personal_data.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace steward::crypto {
namespace {

// `text` cut into UTF-8 code points. A malformed byte becomes a unit of its
// own, so masking never splits a valid character and never fails.
std::vector<absl::string_view> CodePoints(absl::string_view text) {
  std::vector<absl::string_view> units;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t size = 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
      size = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      size = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      size = 4;
    }
    if (i + size > text.size()) size = 1;
    for (size_t k = 1; k < size; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        size = 1;
        break;
      }
    }
    units.push_back(text.substr(i, size));
    i += size;
  }
  return units;
}

bool IsPhoneSeparator(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.' || c == '(' || c == ')';
}

bool IsMainlandMobile(absl::string_view digits) {
  return digits.size() == 11 && digits[0] == '1' &&
         std::all_of(digits.begin(), digits.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

// "3-2-1201": two or more non-empty segments of ASCII letters and digits.
bool IsHousehold(absl::string_view text) {
  std::vector<absl::string_view> segments = absl::StrSplit(text, '-');
  if (segments.size() < 2) return false;
  for (absl::string_view segment : segments) {
    if (segment.empty()) return false;
    for (char c : segment) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
    }
  }
  return true;
}

}  // namespace

std::string NormalizePhone(absl::string_view phone) {
  std::string out;
  out.reserve(phone.size());
  for (char c : phone) {
    if (!IsPhoneSeparator(c)) out.push_back(c);
  }
  if (absl::StartsWith(out, "+86")) {
    out.erase(0, 3);
  } else if (absl::StartsWith(out, "0086")) {
    out.erase(0, 4);
  }
  return out;
}

std::string MaskPhone(absl::string_view phone) {
  if (phone.empty()) return "";
  const std::string normalized = NormalizePhone(phone);
  if (IsMainlandMobile(normalized)) {
    return normalized.substr(0, 3) + "****" + normalized.substr(7);
  }

  const std::vector<absl::string_view> units = CodePoints(phone);
  auto is_separator = [](absl::string_view unit) {
    return unit.size() == 1 && (IsPhoneSeparator(unit[0]) || unit[0] == '+');
  };
  size_t maskable = std::count_if(
      units.begin(), units.end(),
      [&](absl::string_view unit) { return !is_separator(unit); });
  // Nothing but separators: mask everything rather than return it unchanged.
  const bool mask_separators = maskable == 0;
  if (mask_separators) maskable = units.size();
  const size_t keep_first = maskable >= 8 ? 3 : 0;
  const size_t keep_last = maskable >= 8 ? 4 : (maskable >= 3 ? 2 : 0);

  std::string out;
  out.reserve(phone.size());
  size_t index = 0;  // among the maskable units
  for (absl::string_view unit : units) {
    if (!mask_separators && is_separator(unit)) {
      out.append(unit.data(), unit.size());
      continue;
    }
    if (index < keep_first || index >= maskable - keep_last) {
      out.append(unit.data(), unit.size());
    } else {
      out.push_back('*');
    }
    ++index;
  }
  return out;
}

std::string MaskName(absl::string_view name) {
  const std::vector<absl::string_view> units =
      CodePoints(absl::StripAsciiWhitespace(name));
  if (units.empty()) return "";
  if (units.size() == 1) return "*";
  std::string out(units[0]);
  out.append(units.size() - 1, '*');
  return out;
}

std::string MaskAddress(absl::string_view household) {
  const absl::string_view text = absl::StripAsciiWhitespace(household);
  if (text.empty()) return "";
  if (IsHousehold(text)) {
    const size_t first_dash = text.find('-');
    std::string out(text.substr(0, first_dash));
    for (size_t i = first_dash; i < text.size(); ++i) {
      out.push_back(text[i] == '-' ? '-' : '*');
    }
    return out;
  }
  const std::vector<absl::string_view> units = CodePoints(text);
  const size_t keep = std::min<size_t>(2, units.size() - 1);
  std::string out;
  for (size_t i = 0; i < keep; ++i)
    out.append(units[i].data(), units[i].size());
  out.append("****");
  return out;
}

}  // namespace steward::crypto
