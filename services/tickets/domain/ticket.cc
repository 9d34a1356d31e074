#include "services/tickets/domain/ticket.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"
#include "common/util/text.h"

namespace steward::tickets {
namespace {

void CheckText(rpc::FieldErrors& errors, absl::string_view field,
               absl::string_view text, size_t min_chars, size_t max_chars) {
  const std::optional<size_t> length = Utf8Length(text);
  if (!length.has_value()) {
    errors.Add(field, "must be valid UTF-8");
  } else if (*length < min_chars) {
    errors.Add(field, "required");
  } else if (*length > max_chars) {
    errors.Add(field, absl::StrCat("at most ", max_chars, " characters"));
  }
}

}  // namespace

absl::string_view KindName(TicketKind kind) {
  switch (kind) {
    case TicketKind::kHouseholdRepair:
      return "household_repair";
    case TicketKind::kPublicRepair:
      return "public_repair";
    case TicketKind::kComplaint:
      return "complaint";
    case TicketKind::kInquiry:
      return "inquiry";
    case TicketKind::kSuggestion:
      return "suggestion";
    case TicketKind::kLegacyDefect:
      return "legacy_defect";
  }
  return "unknown";
}

absl::string_view PriorityName(Priority priority) {
  switch (priority) {
    case Priority::kEmergency:
      return "emergency";
    case Priority::kUrgent:
      return "urgent";
    case Priority::kRoutine:
      return "routine";
  }
  return "unknown";
}

bool IsOpen(TicketState state) {
  return state != TicketState::kClosed && state != TicketState::kCancelled;
}

bool IsUnresolved(TicketState state) {
  switch (state) {
    case TicketState::kRegistered:
    case TicketState::kAssigned:
    case TicketState::kResponded:
    case TicketState::kInProgress:
    case TicketState::kPaused:
      return true;
    case TicketState::kResolved:
    case TicketState::kCalledBack:
    case TicketState::kClosed:
    case TicketState::kCancelled:
      return false;
  }
  return false;
}

bool NeedsCallback(TicketKind kind) {
  return kind != TicketKind::kInquiry && kind != TicketKind::kSuggestion;
}

bool IsPhoneShaped(absl::string_view phone) {
  bool ok = phone.size() >= 5 && phone.size() <= 20;
  bool digits = false;
  for (size_t i = 0; ok && i < phone.size(); ++i) {
    const char c = phone[i];
    digits = digits || absl::ascii_isdigit(c);
    ok = absl::ascii_isdigit(c) || c == '-' || c == ' ' || (c == '+' && i == 0);
  }
  return ok && digits;
}

absl::Status ValidateDraft(const TicketDraft& draft) {
  rpc::FieldErrors errors;
  CheckText(errors, "ticket.description", draft.description, 1,
            kMaxDescriptionChars);
  CheckText(errors, "ticket.location.building", draft.location.building, 0,
            kMaxLocationFieldChars);
  CheckText(errors, "ticket.location.unit", draft.location.unit, 0,
            kMaxLocationFieldChars);
  CheckText(errors, "ticket.location.room", draft.location.room, 0,
            kMaxLocationFieldChars);
  CheckText(errors, "ticket.location.detail", draft.location.detail, 0,
            kMaxLocationDetailChars);
  CheckText(errors, "ticket.received_by", draft.received_by, 0,
            kMaxPersonIdChars);
  CheckText(errors, "ticket.category", draft.category, 0, kMaxCategoryChars);
  CheckText(errors, "ticket.district", draft.district, 0, kMaxPersonIdChars);
  CheckText(errors, "ticket.household", draft.household, 0,
            kMaxPersonIdChars);
  CheckText(errors, "ticket.contact_name", draft.contact_name, 0,
            kMaxContactNameChars);
  if (!draft.contact_phone.empty()) {
    errors.Check(IsPhoneShaped(draft.contact_phone), "ticket.contact_phone",
                 kPhoneShape);
  }
  if (draft.photo_refs.size() > kMaxPhotos) {
    errors.Add("ticket.photo_refs",
               absl::StrCat("at most ", kMaxPhotos, " photos"));
  }
  for (const std::string& ref : draft.photo_refs) {
    if (ref.empty() || ref.size() > kMaxPhotoRefChars ||
        ref.find_first_of("\r\n") != std::string::npos) {
      errors.Add("ticket.photo_refs",
                 absl::StrCat("each reference is 1-", kMaxPhotoRefChars,
                              " characters on one line"));
      break;
    }
  }
  if (draft.warranty_end.has_value() &&
      draft.kind != TicketKind::kLegacyDefect) {
    errors.Add("ticket.warranty_end", "only legacy defects have a warranty");
  }
  if (draft.kind == TicketKind::kHouseholdRepair) {
    errors.Check(!draft.location.building.empty(), "ticket.location.building",
                 "an in-home repair needs the building");
    errors.Check(!draft.location.room.empty(), "ticket.location.room",
                 "an in-home repair needs the room");
  }
  if (draft.kind == TicketKind::kPublicRepair) {
    errors.Check(!draft.location.building.empty() ||
                     !draft.location.detail.empty(),
                 "ticket.location",
                 "a public-facility repair needs a building or a detail");
  }
  return errors.ToStatus();
}

}  // namespace steward::tickets
