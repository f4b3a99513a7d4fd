#pragma once

// Signal handling shared by `biac serve` and `biac demo`: SIGINT and SIGTERM are blocked in
// every thread and awaited by the main thread (sigtimedwait), so a stop request never
// interrupts a worker.

#include "biac/app/node.h"
#include "biac/base/time.h"

namespace biac::app {

void BlockStopSignals();
// The signal received, or 0 when `timeout` passed first.
int WaitForStopSignal(Duration timeout);
// Prints the API address, the CA to trust and the feed ports.
void PrintEndpoints(const Node& node, const std::string& node_name);

}  // namespace biac::app
