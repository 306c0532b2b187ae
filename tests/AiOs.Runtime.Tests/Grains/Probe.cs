using System.Collections.Concurrent;

namespace AiOs.Runtime.Tests.Grains;

/// <summary>What test grains observed, by grain key. Every test uses fresh keys, so tests running in parallel never
/// read each other's probes.</summary>
public sealed class Probe
{
    private static readonly ConcurrentDictionary<string, Probe> Probes = new(StringComparer.Ordinal);

    private int _inFlight;
    private int _executing;

    public int Constructed;
    public int Activated;
    public int Deactivated;
    public int Calls;
    public int MaxInFlight;
    public int MaxExecuting;
    public int TimerTicks;
    public int MaxConcurrentTicks;
    public int Readers;
    public int Writers;
    public int ReadWriteViolations;
    public DeactivationReason? LastDeactivationReason;
    public readonly ConcurrentQueue<string> Events = new();

    public static Probe For(string key) => Probes.GetOrAdd(key, static _ => new Probe());

    /// <summary>Marks a call as started; returns a scope that marks it finished.</summary>
    public CallScope Enter()
    {
        Interlocked.Increment(ref Calls);
        Raise(ref MaxInFlight, Interlocked.Increment(ref _inFlight));
        return new CallScope(this);
    }

    /// <summary>Marks a stretch of code between awaits: if two ever overlap, grain code ran on two threads at once.</summary>
    public void Execute()
    {
        Raise(ref MaxExecuting, Interlocked.Increment(ref _executing));
        Thread.SpinWait(200);
        Interlocked.Decrement(ref _executing);
    }

    private static void Raise(ref int max, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, value, current) != current)
        {
        }
    }

    public readonly struct CallScope(Probe probe) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref probe._inFlight);
    }
}
