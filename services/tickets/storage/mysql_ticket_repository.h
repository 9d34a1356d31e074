// TicketRepository on MySQL/MariaDB (schema in services/tickets/schema).
#ifndef STEWARD_SERVICES_TICKETS_STORAGE_MYSQL_TICKET_REPOSITORY_H_
#define STEWARD_SERVICES_TICKETS_STORAGE_MYSQL_TICKET_REPOSITORY_H_

#include "common/db/connection_pool.h"
#include "services/tickets/domain/ticket_repository.h"

namespace steward::tickets {

// Thread-safe; `pool` must outlive it.
class MysqlTicketRepository : public TicketRepository {
 public:
  static constexpr absl::Duration kDefaultEventSettle = absl::Seconds(5);

  // `event_settle`: how long a gap in event ids may stay open before the
  // feed treats it as a rolled-back transaction (longer than any
  // transaction may run).
  explicit MysqlTicketRepository(
      db::ConnectionPool& pool,
      absl::Duration event_settle = kDefaultEventSettle);

  absl::StatusOr<CreateOutcome> Create(
      const TicketChange& initial, const std::string& request_id,
      const std::string& fingerprint,
      const GroupComplaintRule& group_rule) override;
  absl::StatusOr<std::vector<Incident>> ListIncidents(
      const std::string& community) override;
  absl::StatusOr<std::vector<OpenComplaint>> ListOpenComplaints(
      const std::string& community, absl::Time as_of, int limit) override;
  absl::StatusOr<std::vector<TicketEvent>> FireWarrantyReminders(
      absl::CivilDay ends_by, absl::Time now, int limit) override;
  absl::StatusOr<Ticket> Mutate(const std::string& community, int64_t id,
                                int64_t expected_version,
                                const std::string& request_id,
                                const std::string& fingerprint,
                                const ChangeFn& change) override;
  absl::StatusOr<Ticket> Get(const std::string& community,
                             int64_t id) override;
  absl::StatusOr<TicketPage> List(const std::string& community,
                                  const TicketFilter& filter,
                                  int64_t before_id, int limit) override;
  absl::StatusOr<std::vector<TimelineEntry>> ListTimeline(
      const std::string& community, int64_t id) override;
  absl::StatusOr<std::vector<TicketEvent>> ListEvents(int64_t after_id,
                                                      int limit) override;
  absl::StatusOr<std::vector<TicketEvent>> FireDueEscalations(
      absl::Time now, int limit,
      const std::function<EscalationDecision(const DueEscalation&)>& decide)
      override;
  absl::StatusOr<std::optional<absl::Time>> NextEscalationTime() override;
  absl::StatusOr<std::vector<SlaPolicy>> ListPolicies() override;
  absl::StatusOr<int> SeedPolicies(
      const std::vector<SlaPolicy>& defaults) override;
  absl::StatusOr<SlaPolicy> SavePolicy(
      const SlaPolicy& policy,
      std::optional<int64_t> expected_version) override;
  absl::StatusOr<int> RecomputeMarked(
      const std::function<std::optional<TicketDeadlines>(const Ticket&)>&
          recompute,
      absl::Time now, int limit) override;
  absl::StatusOr<std::optional<std::string>> GetHolidayTable() override;
  absl::Status SaveHolidayTable(const std::string& text) override;
  absl::StatusOr<std::vector<CommunityCalendar>> ListCommunityCalendars()
      override;
  absl::Status SaveCommunityCalendar(
      const CommunityCalendar& settings) override;
  absl::Status RecordDelivered(int64_t id) override;
  absl::StatusOr<int64_t> EventBacklog() override;
  absl::StatusOr<std::vector<OpenCount>> CountOpen() override;
  absl::StatusOr<std::map<SlaTarget, int64_t>> CountAtRisk() override;

 private:
  db::Operation create_;
  db::Operation mutate_;
  db::Operation get_;
  db::Operation list_;
  db::Operation timeline_;
  db::Operation list_events_;
  db::Operation fire_;
  db::Operation next_fire_;
  db::Operation count_;
  db::Operation incidents_;
  db::Operation stock_take_;
  db::Operation warranty_;
  db::Operation policies_;
  db::Operation recompute_;
  const absl::Duration event_settle_;
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_STORAGE_MYSQL_TICKET_REPOSITORY_H_
