#include "services/kpi/api/scorecard_mapping.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"

namespace steward::kpi {

absl::StatusOr<ScorecardDraft> DraftFromRequest(
    const v1::CreateScorecardRequest& request) {
  rpc::FieldErrors errors;
  ScorecardDraft draft;
  auto community = rpc::ParseCommunityParent(request.parent(), "parent");
  errors.Absorb(community.status());
  if (community.ok()) draft.community = *community;
  if (!request.has_scorecard()) {
    errors.Add("scorecard", "required");
    return errors.ToStatus();
  }
  const v1::Scorecard& s = request.scorecard();
  auto subject_type = rpc::RequiredEnum<SubjectType>(
      s.subject_type(), kMaxSubjectType, "scorecard.subject_type", errors);
  auto period = ParsePeriod(s.period(), "scorecard.period");
  errors.Absorb(period.status());
  if (!errors.empty()) return errors.ToStatus();
  draft.subject_type = *subject_type;
  draft.subject_id = s.subject_id();
  draft.period = *period;
  return draft;
}

absl::StatusOr<ScorecardFilter> FilterFromRequest(
    const v1::ListScorecardsRequest& request) {
  ScorecardFilter filter;
  if (request.period().empty()) return filter;
  auto period = ParsePeriod(request.period(), "period");
  if (!period.ok()) return period.status();
  filter.period = *period;
  return filter;
}

std::string ScorecardName(const std::string& community, int64_t id) {
  return absl::StrCat("communities/", community, "/scorecards/", id);
}

void ToProto(const Scorecard& scorecard, v1::Scorecard* out) {
  const ScorecardDraft& d = scorecard.draft;
  out->set_name(ScorecardName(d.community, scorecard.id));
  out->set_subject_type(static_cast<v1::SubjectType>(d.subject_type));
  out->set_subject_id(d.subject_id);
  out->set_period(FormatPeriod(d.period));
  out->set_state(static_cast<v1::ScorecardState>(scorecard.state));
  out->set_total_score(scorecard.total_score);
  *out->mutable_create_time() = rpc::ToProtoTime(scorecard.create_time);
  *out->mutable_update_time() = rpc::ToProtoTime(scorecard.update_time);
  out->set_etag(rpc::FormatEtag(scorecard.version));
}

}  // namespace steward::kpi
