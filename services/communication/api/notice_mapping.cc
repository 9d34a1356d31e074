#include "services/communication/api/notice_mapping.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"

namespace steward::communication {

absl::StatusOr<NoticeDraft> DraftFromRequest(
    const v1::CreateNoticeRequest& request) {
  rpc::FieldErrors errors;
  NoticeDraft draft;
  auto community = rpc::ParseCommunityParent(request.parent(), "parent");
  errors.Absorb(community.status());
  if (community.ok()) draft.community = *community;
  if (!request.has_notice()) {
    errors.Add("notice", "required");
    return errors.ToStatus();
  }
  const v1::Notice& n = request.notice();
  auto kind = rpc::RequiredEnum<NoticeKind>(n.kind(), kMaxNoticeKind,
                                            "notice.kind", errors);
  if (n.has_event_time()) {
    rpc::CheckProtoTime(n.event_time(), "notice.event_time", errors);
  }
  if (!errors.empty()) return errors.ToStatus();
  draft.kind = *kind;
  draft.title = n.title();
  draft.body = n.body();
  if (n.has_event_time()) {
    draft.event_time = rpc::FromProtoTime(n.event_time());
  }
  return draft;
}

absl::StatusOr<NoticeFilter> FilterFromRequest(
    const v1::ListNoticesRequest& request) {
  rpc::FieldErrors errors;
  NoticeFilter filter;
  filter.kind = rpc::OptionalEnum<NoticeKind>(request.kind(), kMaxNoticeKind,
                                              "kind", errors);
  if (!errors.empty()) return errors.ToStatus();
  return filter;
}

std::string NoticeName(const std::string& community, int64_t id) {
  return absl::StrCat("communities/", community, "/notices/", id);
}

void ToProto(const Notice& notice, v1::Notice* out) {
  const NoticeDraft& d = notice.draft;
  out->set_name(NoticeName(d.community, notice.id));
  out->set_kind(static_cast<v1::NoticeKind>(d.kind));
  out->set_title(d.title);
  out->set_body(d.body);
  if (d.event_time.has_value()) {
    *out->mutable_event_time() = rpc::ToProtoTime(*d.event_time);
  } else {
    out->clear_event_time();
  }
  out->set_state(static_cast<v1::NoticeState>(notice.state));
  *out->mutable_create_time() = rpc::ToProtoTime(notice.create_time);
  *out->mutable_update_time() = rpc::ToProtoTime(notice.update_time);
  out->set_etag(rpc::FormatEtag(notice.version));
}

}  // namespace steward::communication
