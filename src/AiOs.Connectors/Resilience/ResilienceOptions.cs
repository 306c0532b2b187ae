namespace AiOs.Connectors.Resilience;

/// <summary>How a connector retries, breaks and times out (sub-section <c>Resilience</c> of each connector's section).</summary>
public sealed class ResilienceOptions
{
    /// <summary>Longest wait for one attempt; past it the attempt's outcome is unknown if the request may have left.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, on transient failures only (never on a refusal such as HTTP 4xx or an
    /// SMTP 5xx reply). 0 turns retries off; the ledger's coordinator still retries the task later.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; each retry doubles it, with random jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts within the sampling window before the ratio counts.</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an open circuit refuses calls (as not delivered) before it lets one through to test the other side.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What is wrong with these settings, each naming the setting under <paramref name="section"/>.</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (AttemptTimeout <= TimeSpan.Zero)
        {
            yield return $"{section}:Resilience:AttemptTimeout must be positive";
        }

        if (MaxRetries is < 0 or > 20)
        {
            yield return $"{section}:Resilience:MaxRetries must be 0-20";
        }

        if (RetryBaseDelay <= TimeSpan.Zero)
        {
            yield return $"{section}:Resilience:RetryBaseDelay must be positive";
        }

        if (BreakerFailureRatio is <= 0 or > 1)
        {
            yield return $"{section}:Resilience:BreakerFailureRatio must be above 0 and at most 1";
        }

        if (BreakerMinimumThroughput < 2)
        {
            yield return $"{section}:Resilience:BreakerMinimumThroughput must be at least 2";
        }

        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return $"{section}:Resilience:BreakerSamplingDuration must be at least 0.5 s";
        }

        if (BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return $"{section}:Resilience:BreakerBreakDuration must be at least 0.5 s";
        }
    }
}
