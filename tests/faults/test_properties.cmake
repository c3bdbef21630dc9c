# Read by ctest after the list gtest_discover_tests made (it comes later in the folder's
# TEST_INCLUDE_FILES): what hpo_test_suite gives every test of a suite alike.
# - Labels "faults" and "slow": `ctest -L faults` runs this suite, and `ctest -LE slow` (the fast
#   tests alone, docs/architecture.md) leaves it out, as it does tests/e2e.
# - Each test's own timeout, in seconds: the sum of the deadlines the test waits with (for the
#   sweep to reach its middle, the outage, the workers to end...) plus 30 s, so that a test that
#   hangs fails at its own deadline, saying what the workers wrote, before ctest kills it. A
#   test that goes well takes far less (the 60 s outage test, the longest, about 80 s). A name
#   missing here keeps the suite's 300 s.
set(hpo_fault_timeouts
  PostgresFaultsTest.ServerStoppedForTenSecondsEveryWorkerFinishesExactlyThirtyTrials 220
  PostgresFaultsTest.ServerStoppedForSixtySecondsWorkersWaitAndKeepTheirTrials 270
  PostgresFaultsTest.ServerKilledWithSigkillAndRestartedEveryWorkerFinishes 230
  PostgresFaultsTest.OneWorkersConnectionTerminatedItReconnectsAndAllFinish 180
  PostgresFaultsTest.OutagePastStorageRetryEndsEachWorkerWithOneLineThenAResumeFinishes 240
  PostgresFaultsTest.ControllerFrozenPastHeartbeatTimeoutStopsItsReclaimedTrialAndRecordsItOnce 240
  FullDiskTest.TmpfsFilledMidSweepSaysNoSpaceLeftAndTheRerunAdoptsTheFinishedTrial 240)
while(hpo_fault_timeouts)
  list(POP_FRONT hpo_fault_timeouts hpo_test hpo_seconds)
  set_tests_properties("${hpo_test}" PROPERTIES TIMEOUT ${hpo_seconds} LABELS "faults;slow")
endwhile()
