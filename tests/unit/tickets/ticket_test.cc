#include "services/tickets/domain/ticket.h"

#include <gtest/gtest.h>

#include "tests/support/status_details.h"

namespace steward::tickets {
namespace {

using ::steward::testing::ViolatedFields;

TicketDraft ValidRepair() {
  TicketDraft d;
  d.community = "harbour-view";
  d.kind = TicketKind::kHouseholdRepair;
  d.location = {.building = "3", .unit = "2", .room = "1201", .detail = ""};
  d.description = "厨房水龙头漏水";
  return d;
}

TEST(ValidateDraftTest, AcceptsAWellFormedRepair) {
  EXPECT_TRUE(ValidateDraft(ValidRepair()).ok());
}

TEST(ValidateDraftTest, DescriptionIsRequiredAndBoundedInCharacters) {
  TicketDraft d = ValidRepair();
  d.description = "";
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            std::vector<std::string>{"ticket.description"});
  // 4000 Chinese characters are 12000 bytes and still allowed.
  d.description.clear();
  for (int i = 0; i < 4000; ++i) d.description += "漏";
  EXPECT_TRUE(ValidateDraft(d).ok());
  d.description += "漏";
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            std::vector<std::string>{"ticket.description"});
  d.description = "bad \xC0\xAF utf8";
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            std::vector<std::string>{"ticket.description"});
}

TEST(ValidateDraftTest, HouseholdRepairNeedsBuildingAndRoom) {
  TicketDraft d = ValidRepair();
  d.location.building = "";
  d.location.room = "";
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            (std::vector<std::string>{"ticket.location.building",
                                      "ticket.location.room"}));
  // An inquiry needs no location.
  d.kind = TicketKind::kInquiry;
  EXPECT_TRUE(ValidateDraft(d).ok());
}

TEST(ValidateDraftTest, PublicRepairNeedsABuildingOrADetail) {
  TicketDraft d = ValidRepair();
  d.kind = TicketKind::kPublicRepair;
  d.location = {};
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            std::vector<std::string>{"ticket.location"});
  d.location.detail = "B2 car park lift lobby";
  EXPECT_TRUE(ValidateDraft(d).ok());
}

TEST(ValidateDraftTest, LocationFieldsAreBounded) {
  TicketDraft d = ValidRepair();
  d.location.unit = std::string(33, '1');
  d.location.detail = std::string(201, 'x');
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            (std::vector<std::string>{"ticket.location.unit",
                                      "ticket.location.detail"}));
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

TEST(ValidateDraftTest, DetailsAreBoundedAndWarrantyIsForLegacyDefectsOnly) {
  TicketDraft d = ValidRepair();
  d.category = "water_leak";
  d.household = "3-2-1201";
  d.contact_name = "王女士";
  d.contact_phone = "+86 138-0013-8000";
  d.photo_refs = {"photos/a.jpg", "photos/b.jpg"};
  EXPECT_TRUE(ValidateDraft(d).ok());

  d.photo_refs.assign(10, "photos/x.jpg");
  d.contact_phone = "138ABC";
  d.warranty_end = absl::CivilDay(2027, 6, 30);
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            (std::vector<std::string>{"ticket.contact_phone",
                                      "ticket.photo_refs",
                                      "ticket.warranty_end"}));
  d.photo_refs = {"photos/a.jpg\nphotos/b.jpg"};
  d.contact_phone = "1380+013";
  d.kind = TicketKind::kLegacyDefect;
  EXPECT_EQ(ViolatedFields(ValidateDraft(d)),
            (std::vector<std::string>{"ticket.contact_phone",
                                      "ticket.photo_refs"}));
  d.photo_refs = {"photos/a.jpg"};
  d.contact_phone = "13800138000";
  EXPECT_TRUE(ValidateDraft(d).ok());
}

}  // namespace
}  // namespace steward::tickets
