#include "lib/core/stop_signal.h"

#include <csignal>

namespace hpo {
namespace {

volatile std::sig_atomic_t g_received = 0;

void OnStopSignal(int signal) { g_received = signal; }

}  // namespace

StopSignalScope::StopSignalScope() {
  g_received = 0;
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

StopSignalScope::~StopSignalScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

int StopSignalScope::Received() { return g_received; }

}  // namespace hpo
