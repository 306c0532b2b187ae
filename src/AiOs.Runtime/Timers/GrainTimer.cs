using System.Collections.Concurrent;
using AiOs.Invocation;
using AiOs.Runtime.Activation;
using AiOs.Runtime.Messaging;
using Microsoft.Extensions.Logging;

namespace AiOs.Runtime.Timers;

/// <summary>A grain timer. Each tick is queued as a turn of the activation; the next period starts when the tick
/// ends, so ticks never overlap however long one runs.</summary>
internal sealed class GrainTimer : IGrainTimer
{
    // One descriptor per grain class and timer name, shared by all activations, so statistics are kept per timer name.
    private static readonly ConcurrentDictionary<(Type GrainClass, string Name), GrainMethodDescriptor> Descriptors = new();

    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly GrainTimerOptions _options;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _period;

    public GrainTimer(ActivationData activation, string name, Func<CancellationToken, Task> callback, GrainTimerOptions options, TimeProvider time, ILogger logger)
    {
        _activation = activation;
        Name = name;
        _callback = callback;
        _options = options;
        _period = options.Period;
        _logger = logger;
        Descriptor = Descriptors.GetOrAdd((activation.ClassInfo.GrainClass, name), static key => new GrainMethodDescriptor(
            typeof(IGrainTimer), key.Name, "timer:" + key.Name, GrainMethodOptions.None, Type.EmptyTypes, typeof(VoidResult),
            static () => throw new NotSupportedException("Timer ticks are never sent between silos.")));
        _timer = time.CreateTimer(static state => ((GrainTimer)state!).OnDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Name { get; }

    /// <summary>What filters and metrics see of this timer's ticks.</summary>
    public GrainMethodDescriptor Descriptor { get; }

    public void Start() => _timer.Change(_options.DueTime, Timeout.InfiniteTimeSpan);

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        _period = period;
        _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    /// <summary>Runs the callback inside the tick's turn, then arms the next tick.</summary>
    internal async Task TickAsync()
    {
        try
        {
            if (!_disposed.IsCancellationRequested)
            {
                await _callback(_disposed.Token);
            }
        }
        catch (Exception exception) when (!_disposed.IsCancellationRequested)
        {
            Log.TimerTickFailed(_logger, exception, Name, _activation.GrainId);
            throw;
        }
        finally
        {
            if (!_disposed.IsCancellationRequested && _period != Timeout.InfiniteTimeSpan)
            {
                _timer.Change(_period, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnDue()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        var tick = new TimerTickRequest(this, _options.KeepAlive);
        var message = new Message(tick, _activation.GrainId, Message.NoDeadline, caller: null, GrainCallKind.Timer)
        {
            Interleave = _options.Interleave,
        };

        if (!_activation.Enqueue(message))
        {
            Dispose();
        }
    }
}
