#include "services/tickets/api/sla_policy_mapping.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/rpc/errors.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"

namespace steward::tickets {

bool IsValidPolicyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxSlaPolicyIdChars) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ParsePolicyName(absl::string_view name,
                                            absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "slaPolicies/") || !IsValidPolicyId(id)) {
    return rpc::InvalidField(
        field, "must look like slaPolicies/{id}, id 1-64 of [a-z0-9_-]");
  }
  return std::string(id);
}

absl::StatusOr<SlaPolicy> PolicyFromProto(const v1::SlaPolicy& proto,
                                          absl::string_view id) {
  rpc::FieldErrors errors;
  SlaPolicy policy;
  policy.id = std::string(id);
  policy.version = 1;
  auto kind = rpc::RequiredEnum<TicketKind>(proto.kind(), 6, "policy.kind",
                                            errors);
  auto priority = rpc::RequiredEnum<Priority>(proto.priority(), 3,
                                              "policy.priority", errors);
  if (!proto.community().empty() &&
      !rpc::IsValidCommunityId(proto.community())) {
    errors.Add("policy.community", "1-63 characters of [a-z0-9-]");
  }
  std::set<int> seen;
  for (int i = 0; i < proto.targets_size(); ++i) {
    const v1::SlaPolicy::Target& t = proto.targets(i);
    const std::string field = absl::StrCat("policy.targets[", i, "]");
    auto target = rpc::RequiredEnum<SlaTarget>(t.target(), 6,
                                               field + ".target", errors);
    const bool working = t.clock() == v1::SlaPolicy::Target::CLOCK_WORKING;
    errors.Check(t.clock() == v1::SlaPolicy::Target::CLOCK_NATURAL || working,
                 field + ".clock", "CLOCK_NATURAL or CLOCK_WORKING");
    errors.Check(t.has_duration() != (t.working_days() > 0), field,
                 "give either duration or working_days");
    errors.Check(t.working_days() >= 0 && (t.working_days() == 0 || working),
                 field + ".working_days",
                 "positive, and only on a CLOCK_WORKING target");
    if (!target.has_value()) continue;
    if (!seen.insert(static_cast<int>(*target)).second) {
      errors.Add(field + ".target", "given twice");
      continue;
    }
    SlaClockSpec spec;
    if (t.working_days() > 0) {
      spec = SlaClockSpec::WorkingDays(t.working_days());
    } else {
      const absl::Duration d = absl::Seconds(t.duration().seconds()) +
                               absl::Nanoseconds(t.duration().nanos());
      spec = working ? SlaClockSpec::Working(d) : SlaClockSpec::Natural(d);
    }
    policy.targets[*target] = spec;
  }
  policy.community = proto.community();
  if (proto.handler_warning() != 0 || proto.supervisor_warning() != 0) {
    policy.warnings = {proto.handler_warning(), proto.supervisor_warning()};
  }
  if (!errors.empty()) return errors.ToStatus();
  policy.kind = *kind;
  policy.priority = *priority;
  return policy;
}

void ToProto(const SlaPolicy& policy, v1::SlaPolicy* out) {
  out->set_name(absl::StrCat("slaPolicies/", policy.id));
  out->set_kind(static_cast<v1::TicketKind>(policy.kind));
  out->set_priority(static_cast<v1::Priority>(policy.priority));
  out->set_community(policy.community);
  for (const auto& [target, spec] : policy.targets) {
    auto* t = out->add_targets();
    t->set_target(static_cast<v1::SlaTarget>(target));
    t->set_clock(spec.mode == calendar::ClockMode::kWorking
                     ? v1::SlaPolicy::Target::CLOCK_WORKING
                     : v1::SlaPolicy::Target::CLOCK_NATURAL);
    if (spec.working_days > 0) {
      t->set_working_days(spec.working_days);
    } else {
      t->mutable_duration()->set_seconds(absl::ToInt64Seconds(spec.target));
    }
  }
  out->set_handler_warning(policy.warnings.handler);
  out->set_supervisor_warning(policy.warnings.supervisor);
  out->set_etag(rpc::FormatEtag(policy.version));
}

}  // namespace steward::tickets
