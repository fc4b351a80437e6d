// Order statistics over a handful of samples, robust to the occasional run that shared the CPU
// with someone else's build.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace kashim_bench {

// The q-quantile (0..1), interpolating between neighbours; NaN for no samples.
inline double quantile(std::vector<double> samples, double q) {
    if (samples.empty()) return std::nan("");
    std::sort(samples.begin(), samples.end());
    double position = q * static_cast<double>(samples.size() - 1);
    size_t below = static_cast<size_t>(position);
    size_t above = std::min(below + 1, samples.size() - 1);
    double weight = position - static_cast<double>(below);
    return samples[below] * (1 - weight) + samples[above] * weight;
}

inline double median(const std::vector<double>& samples) { return quantile(samples, 0.5); }

struct Interval {
    double low, high;
};

// A 95% confidence interval for the median that assumes nothing about the distribution: the
// order statistics the binomial distribution puts on either side. With fewer than 6 samples it is
// the whole range.
inline Interval median_interval(std::vector<double> samples) {
    if (samples.empty()) return {std::nan(""), std::nan("")};
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    const double count = static_cast<double>(n);
    // The bounds are the k-th smallest and k-th largest sample, for the largest k with
    // P(Binomial(n, 1/2) < k) <= 2.5%.
    size_t k = 0;
    double below_k = 0;
    for (size_t j = 0; j < n / 2; ++j) {
        const double below = static_cast<double>(j);  // P(exactly j of the n samples below the median)
        below_k += std::exp(std::lgamma(count + 1) - std::lgamma(below + 1) - std::lgamma(count - below + 1) -
                            count * std::log(2.0));
        if (below_k > 0.025) break;
        k = j + 1;
    }
    if (k == 0) return {samples.front(), samples.back()};
    return {samples[k - 1], samples[n - k]};
}

// Half the interquartile range: how far a typical sample strays from the median.
inline double half_interquartile_range(const std::vector<double>& samples) {
    return (quantile(samples, 0.75) - quantile(samples, 0.25)) / 2;
}

}  // namespace kashim_bench
