// TicketRepository on MySQL/MariaDB (schema in services/tickets/schema).
// Personal information — the household, location.room, contact_name and
// contact_phone — is sealed at rest with a crypto::DataKeyRing (V010);
// households and phone numbers are found through keyed lookup hashes.
#ifndef STEWARD_SERVICES_TICKETS_STORAGE_MYSQL_TICKET_REPOSITORY_H_
#define STEWARD_SERVICES_TICKETS_STORAGE_MYSQL_TICKET_REPOSITORY_H_

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/crypto/data_keys.h"
#include "common/db/connection_pool.h"
#include "services/tickets/domain/ticket_repository.h"

namespace steward::tickets {

// Thread-safe; `pool` must outlive it.
//
// Reading a ticket whose sealed value cannot be opened (tampered or garbled
// bytes, a key no longer in the ring) does not fail the call: that field is
// returned empty, the stored bytes stay untouched, and an error naming the
// ticket id and the column (never the value) is logged.
class MysqlTicketRepository : public TicketRepository {
 public:
  static constexpr absl::Duration kDefaultEventSettle = absl::Seconds(5);
  // The most households a TicketFilter may name: List binds this many
  // lookup-hash slots. More is INVALID_ARGUMENT on "households".
  static constexpr int kMaxFilterHouseholds = 8;
  // Rows SealLegacyRows seals per transaction.
  static constexpr int kSealBatch = 500;

  // `keys` seals, opens and hashes personal data; it is copied (copies share
  // one key set). `event_settle`: how long a gap in event ids may stay open
  // before the feed treats it as a rolled-back transaction (longer than any
  // transaction may run). Touches no table: the schema may be migrated after
  // construction.
  MysqlTicketRepository(db::ConnectionPool& pool,
                        const crypto::DataKeyRing& keys,
                        absl::Duration event_settle = kDefaultEventSettle);

  // Seals the personal data of rows written in plaintext before V010 (or by
  // a replica still running older code): pii_sealed = 0 rows, oldest first,
  // kSealBatch per transaction, each row locked, re-encrypted under the
  // active key, given its lookup hashes and marked pii_sealed = 1. Rows
  // another transaction holds are skipped (a replica sealing at the same
  // time takes them), so it is safe to run on several replicas at once and
  // idempotent. Returns how many rows this call sealed.
  //
  // It runs by itself once per repository, before the first SeedPolicies
  // (TicketDesk::LoadPolicies at start-up, before serving), Create or List —
  // the calls whose answers depend on the lookup hashes; an error there is
  // that call's error, and the next call tries again. Until a row is sealed
  // it reads back as stored, but household filters and group-complaint
  // counts do not see it.
  absl::StatusOr<int> SealLegacyRows();

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
  absl::StatusOr<int64_t> EventFeedTail() override;
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
  // Runs SealLegacyRows unless it already completed once.
  absl::Status EnsureLegacyRowsSealed() ABSL_LOCKS_EXCLUDED(seal_mu_);

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
  db::Operation seal_;
  const crypto::DataKeyRing keys_;
  const absl::Duration event_settle_;
  // Whether SealLegacyRows has completed once (see EnsureLegacyRowsSealed).
  std::atomic<bool> legacy_sealed_{false};
  absl::Mutex seal_mu_;  // serialises that first run
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_STORAGE_MYSQL_TICKET_REPOSITORY_H_
