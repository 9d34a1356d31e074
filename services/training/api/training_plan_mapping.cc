#include "services/training/api/training_plan_mapping.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"

namespace steward::training {
namespace {

using rpc::OptionalEnum;

// A timestamp the caller may have left unset: nullopt when absent, the
// instant when valid, nullopt plus a violation when out of range.
std::optional<absl::Time> OptionalTime(bool present,
                                       const google::protobuf::Timestamp& t,
                                       absl::string_view field,
                                       rpc::FieldErrors& errors) {
  if (!present || !rpc::CheckProtoTime(t, field, errors)) return std::nullopt;
  return rpc::FromProtoTime(t);
}

}  // namespace

absl::StatusOr<TrainingPlanDraft> DraftFromRequest(
    const v1::CreateTrainingPlanRequest& request) {
  rpc::FieldErrors errors;
  TrainingPlanDraft draft;
  auto community = rpc::ParseCommunityParent(request.parent(), "parent");
  errors.Absorb(community.status());
  if (community.ok()) draft.community = *community;
  if (!request.has_training_plan()) {
    errors.Add("training_plan", "required");
    return errors.ToStatus();
  }
  const v1::TrainingPlan& p = request.training_plan();
  // Zero (unset) is left for ValidateDraft to call "required".
  auto kind = OptionalEnum<TrainingKind>(p.kind(), kMaxTrainingKind,
                                         "training_plan.kind", errors);
  auto line =
      OptionalEnum<Line>(p.line(), kMaxLine, "training_plan.line", errors);
  draft.start_time = OptionalTime(p.has_start_time(), p.start_time(),
                                  "training_plan.start_time", errors);
  draft.end_time = OptionalTime(p.has_end_time(), p.end_time(),
                                "training_plan.end_time", errors);
  if (!errors.empty()) return errors.ToStatus();
  draft.kind = kind.value_or(TrainingKind::kUnspecified);
  draft.line = line.value_or(Line::kUnspecified);
  draft.title = p.title();
  draft.pass_score = p.pass_score();
  return draft;
}

absl::StatusOr<TrainingPlanFilter> FilterFromRequest(
    const v1::ListTrainingPlansRequest& request) {
  rpc::FieldErrors errors;
  TrainingPlanFilter filter;
  filter.line = OptionalEnum<Line>(request.line(), kMaxLine, "line", errors);
  if (!errors.empty()) return errors.ToStatus();
  return filter;
}

std::string TrainingPlanName(const std::string& community, int64_t id) {
  return absl::StrCat("communities/", community, "/trainingPlans/", id);
}

void ToProto(const TrainingPlan& plan, v1::TrainingPlan* out) {
  const TrainingPlanDraft& d = plan.draft;
  out->set_name(TrainingPlanName(d.community, plan.id));
  out->set_kind(static_cast<v1::TrainingKind>(d.kind));
  out->set_title(d.title);
  out->set_line(static_cast<common::v1::Line>(d.line));
  if (d.start_time.has_value()) {
    *out->mutable_start_time() = rpc::ToProtoTime(*d.start_time);
  }
  if (d.end_time.has_value()) {
    *out->mutable_end_time() = rpc::ToProtoTime(*d.end_time);
  }
  out->set_pass_score(d.pass_score);
  *out->mutable_create_time() = rpc::ToProtoTime(plan.create_time);
  *out->mutable_update_time() = rpc::ToProtoTime(plan.update_time);
  out->set_etag(rpc::FormatEtag(plan.version));
}

}  // namespace steward::training
