#include "services/tickets/domain/ticket.h"

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
