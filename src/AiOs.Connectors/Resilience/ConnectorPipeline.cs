using AiOs.Workforce.Actions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace AiOs.Connectors.Resilience;

/// <summary>One connector's Polly pipeline and health: retry (exponential backoff with jitter) around a circuit breaker
/// around a per-attempt timeout. Only transient outcomes are retried and counted by the breaker: a refusal is the other
/// side's final word, and an unknown outcome is retried only when the other side drops duplicates by idempotency key.
/// Every error text passes through the connector's redaction before it is kept or returned.</summary>
public sealed class ConnectorPipeline
{
    private readonly ResiliencePipeline<ConnectorResult> _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly Func<string, string> _redact;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly string _name;
    private readonly bool _dryRun;
    private int _consecutiveFailures;
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;
    private long _attempts;
    private long _dryRuns;

    public ConnectorPipeline(string name, ResilienceOptions options, bool retryUnknown, bool dryRun, Func<string, string> redact, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _dryRun = dryRun;
        _redact = redact;
        _time = time ?? TimeProvider.System;
        bool Transient(ConnectorResult r) => r.Outcome == ConnectorOutcome.NotDelivered || (retryUnknown && r.Outcome == ConnectorOutcome.Unknown);
        var builder = new ResiliencePipelineBuilder<ConnectorResult> { TimeProvider = _time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<ConnectorResult>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } r
                    ? Transient(r)
                    : retryUnknown && args.Outcome.Exception is TimeoutRejectedException),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<ConnectorResult>
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            StateProvider = _circuit,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } r
                ? r.Outcome is ConnectorOutcome.NotDelivered or ConnectorOutcome.Unknown
                : args.Outcome.Exception is TimeoutRejectedException),
        });
        builder.AddTimeout(options.AttemptTimeout);
        _pipeline = builder.Build();
    }

    public bool DryRun => _dryRun;

    /// <summary>Runs <paramref name="attempt"/> through the pipeline. An open circuit answers
    /// <see cref="ConnectorOutcome.NotDelivered"/> (nothing was sent); a timed-out attempt answers
    /// <paramref name="onTimeout"/>'s outcome (the connector knows whether the request may have left).</summary>
    public async Task<ConnectorResult> ExecuteAsync(Func<CancellationToken, ValueTask<ConnectorResult>> attempt, Func<ConnectorResult> onTimeout, CancellationToken cancellationToken)
    {
        ConnectorResult result;
        try
        {
            result = await _pipeline.ExecuteAsync(async ct =>
            {
                Interlocked.Increment(ref _attempts);
                try
                {
                    return Record(await attempt(ct).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // The per-attempt timeout: let Polly see it as one (the breaker counts it), then answer below.
                    Record(onTimeout());
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            result = Record(new ConnectorResult(ConnectorOutcome.NotDelivered, Error: $"{_name}: circuit open after repeated failures; not sent"), counts: false);
        }
        catch (TimeoutRejectedException)
        {
            result = onTimeout();
        }

        return result with { Error = result.Error is null ? null : _redact(result.Error) };
    }

    /// <summary>Counts a dry run (nothing sent).</summary>
    public void RecordDryRun() => Interlocked.Increment(ref _dryRuns);

    public ConnectorHealthReport Health()
    {
        var circuit = _circuit.CircuitState;
        lock (_lock)
        {
            var state = _dryRun ? ConnectorState.DryRun
                : circuit is CircuitState.Open or CircuitState.Isolated ? ConnectorState.Unavailable
                : _consecutiveFailures > 0 ? ConnectorState.Degraded
                : ConnectorState.Healthy;
            return new ConnectorHealthReport(_name, state, circuit.ToString(), _consecutiveFailures, _lastSuccess, _lastFailure, _lastError,
                Interlocked.Read(ref _attempts), Interlocked.Read(ref _dryRuns));
        }
    }

    private ConnectorResult Record(ConnectorResult result, bool counts = true)
    {
        lock (_lock)
        {
            if (result.Outcome == ConnectorOutcome.Succeeded)
            {
                _consecutiveFailures = 0;
                _lastSuccess = _time.GetUtcNow();
            }
            else
            {
                if (counts)
                {
                    _consecutiveFailures++;
                }

                _lastFailure = _time.GetUtcNow();
                _lastError = result.Error is null ? result.Outcome.ToString() : _redact(result.Error);
            }
        }

        return result;
    }
}
