#include "common/crypto/personal_data.h"

#include <gtest/gtest.h>

#include <string>

namespace steward::crypto {
namespace {

TEST(NormalizePhoneTest, StripsSeparatorsAndChinaCountryCode) {
  EXPECT_EQ(NormalizePhone("13812341234"), "13812341234");
  EXPECT_EQ(NormalizePhone("138 1234 1234"), "13812341234");
  EXPECT_EQ(NormalizePhone("138-1234-1234"), "13812341234");
  EXPECT_EQ(NormalizePhone("+86 138 1234 1234"), "13812341234");
  EXPECT_EQ(NormalizePhone("+8613812341234"), "13812341234");
  EXPECT_EQ(NormalizePhone("0086 13812341234"), "13812341234");
  EXPECT_EQ(NormalizePhone("(+86) 138-1234-1234"), "13812341234");
  EXPECT_EQ(NormalizePhone("(021) 5555-1234"), "02155551234");
  EXPECT_EQ(NormalizePhone(""), "");
}

TEST(NormalizePhoneTest, KeepsOtherCountryCodesAndUnknownCharacters) {
  EXPECT_EQ(NormalizePhone("+1 (555) 123-4567"), "+15551234567");
  EXPECT_EQ(NormalizePhone("+852 5555 1234"), "+85255551234");
  EXPECT_EQ(NormalizePhone("+886 912 345 678"), "+886912345678");
  // Garbage stays garbage rather than collapsing onto a real number.
  EXPECT_EQ(NormalizePhone("138abc1234"), "138abc1234");
}

TEST(MaskPhoneTest, MasksMainlandMobiles) {
  EXPECT_EQ(MaskPhone("13812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("+86 138 1234 1234"), "138****1234");
  EXPECT_EQ(MaskPhone("138-1234-1234"), "138****1234");
}

TEST(MaskPhoneTest, MasksOtherNumbersInPlace) {
  EXPECT_EQ(MaskPhone("02155551234"), "021****1234");
  EXPECT_EQ(MaskPhone("12345678"), "123*5678");
  EXPECT_EQ(MaskPhone("021-5555"), "***-**55");
  EXPECT_EQ(MaskPhone("5555"), "**55");
  EXPECT_EQ(MaskPhone("+1 555 123 4567"), "+1 55* *** 4567");
  EXPECT_EQ(MaskPhone("12"), "**");
  EXPECT_EQ(MaskPhone("7"), "*");
  EXPECT_EQ(MaskPhone("--"), "**");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(MaskNameTest, KeepsTheFirstCharacter) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("Li"), "L*");
  EXPECT_EQ(MaskName("张"), "*");
  EXPECT_EQ(MaskName("L"), "*");
  EXPECT_EQ(MaskName(" 张三 "), "张*");
  EXPECT_EQ(MaskName(""), "");
}

TEST(MaskAddressTest, KeepsTheBuildingOfAHousehold) {
  EXPECT_EQ(MaskAddress("3-2-1201"), "3-*-****");
  EXPECT_EQ(MaskAddress("12-1-301"), "12-*-***");
  EXPECT_EQ(MaskAddress("A-1201"), "A-****");
}

TEST(MaskAddressTest, KeepsTwoCharactersOfFreeText) {
  EXPECT_EQ(MaskAddress("阳光花园3栋2单元1201"), "阳光****");
  EXPECT_EQ(MaskAddress("Building 3"), "Bu****");
  EXPECT_EQ(MaskAddress("1201"), "12****");
  EXPECT_EQ(MaskAddress("北京"), "北****");
  EXPECT_EQ(MaskAddress("北"), "****");
  EXPECT_EQ(MaskAddress("3--1201"), "3-****");
  EXPECT_EQ(MaskAddress(""), "");
}

TEST(MaskingTest, NeverReturnsLongerInputUnchanged) {
  for (const char* input :
       {"13812341234", "021-5555", "12", "--", "张三", "Li", "3-2", "北京",
        "ab", "+1", "3-2-1201", "阳光花园", "\xff\xfe"}) {
    const std::string s(input);
    EXPECT_NE(MaskPhone(s), s) << s;
    EXPECT_NE(MaskName(s), s) << s;
    EXPECT_NE(MaskAddress(s), s) << s;
  }
}

}  // namespace
}  // namespace steward::crypto
