/* The cheapest possible trial program, for scripts/bench-overhead: reads --x0=.. --x5=..
 * (the ${args} macro), prints Hartmann-6 at that point as {"score": value} and exits. What a
 * sweep of it costs is the controller's overhead: process start, storage, suggestion. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14},
                                 {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
  static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                 {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                 {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                 {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double x[6] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
  for (int i = 1; i < argc; ++i) {
    int k;
    double v;
    if (sscanf(argv[i], "--x%d=%lf", &k, &v) == 2 && k >= 0 && k < 6) x[k] = v;
  }
  double value = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
    value -= alpha[i] * exp(-inner);
  }
  printf("{\"score\": %.17g}\n", value);
  return 0;
}
