#include "lib/core/stop_signal.h"

#include <gtest/gtest.h>

#include <csignal>

namespace hpo {
namespace {

void IgnoreSignal(int) {}

TEST(StopSignalScopeTest, RecordsTheSignalWhileItLivesAndRestoresTheHandlerAfter) {
  std::signal(SIGTERM, IgnoreSignal);
  {
    StopSignalScope scope;
    EXPECT_EQ(StopSignalScope::Received(), 0);
    std::raise(SIGTERM);
    EXPECT_EQ(StopSignalScope::Received(), SIGTERM);
  }
  struct sigaction now {};
  sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, &IgnoreSignal);
  StopSignalScope again;  // a new scope forgets the earlier request
  EXPECT_EQ(StopSignalScope::Received(), 0);
  std::raise(SIGINT);
  EXPECT_EQ(StopSignalScope::Received(), SIGINT);
}

}  // namespace
}  // namespace hpo
