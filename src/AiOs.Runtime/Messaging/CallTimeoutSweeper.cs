namespace AiOs.Runtime.Messaging;

/// <summary>Fails calls whose deadline has passed. Rather than a timer per call (costly at a million calls a second),
/// one periodic sweep looks at the calls waiting or running in each activation, as Orleans does with its callbacks.
///
/// All expired calls of a sweep are described first, then failed deepest first: in a deadlock A -> B -> A every call of
/// the cycle expires together, and each caller, the outermost included, is told the whole wait chain.</summary>
internal sealed class CallTimeoutSweeper(SiloRuntime runtime) : IDisposable
{
    private ITimer? _timer;
    private int _sweeping;

    public void Start()
    {
        var interval = runtime.CallOptions.TimeoutCheckInterval;
        _timer = runtime.Time.CreateTimer(static s => ((CallTimeoutSweeper)s!).Sweep(), this, interval, interval);
    }

    public void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = runtime.Time.GetTimestamp();
            var expired = new List<Message>();
            foreach (var activation in runtime.Catalog.Activations)
            {
                activation.CollectExpired(now, expired);
            }

            if (expired.Count == 0)
            {
                return;
            }

            var failures = expired
                .Select(m => (Message: m, Depth: m.Depth, Error: WaitChain.TimeoutOf(m, runtime.CallOptions.ResponseTimeout)))
                .OrderByDescending(f => f.Depth)
                .ToList();
            foreach (var (message, _, error) in failures)
            {
                if (message.Complete(error))
                {
                    Log.CallTimedOut(runtime.Logger, error.Message);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
