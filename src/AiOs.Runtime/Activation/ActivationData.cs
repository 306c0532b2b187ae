using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using AiOs.Runtime.Grains;
using AiOs.Runtime.Messaging;
using AiOs.Runtime.Timers;

namespace AiOs.Runtime.Activation;

/// <summary>One activation of a grain: the grain instance, its queue of calls, its turn rules and its lifecycle.
///
/// Scheduling: work for the activation (new calls, and continuations that grain code posts through its
/// <see cref="ActivationSynchronizationContext"/>) is queued here, and a single thread-pool work item drains the queue
/// while there is work, so grain code is single-threaded. A call occupies the activation from its start until its task
/// completes; another call may start meanwhile only when the turn rules allow it (reentrant grain, always-interleave or
/// read-only method, or a call back along the running call chain when the grain allows call-chain reentrancy).</summary>
internal sealed partial class ActivationData : IGrainContext, IThreadPoolWorkItem
{
    // Work items run per thread-pool slice before yielding, so that one busy grain cannot starve others.
    private const int SliceBudget = 64;

    // Bounds on running a call on its caller's thread (see RunInline).
    private const int InlineBudget = 8;
    private const int MaxInlineDepth = 4;

    // An execution context without the caller's async-locals: captured once on a thread that inherited none (flow
    // suppressed), holding only a private marker, because the empty default context is null and cannot be run.
    private static readonly ExecutionContext CleanContext = CaptureCleanContext();

    [ThreadStatic]
    private static int t_inlineDepth;

    private readonly Lock _lock = new();
    private readonly SiloRuntime _runtime;
    private readonly ActivationSynchronizationContext _syncContext;
    private readonly List<Message> _waiting = [];
    private readonly List<Message> _running = new(1);
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActivationState _state = ActivationState.Created;
    private DeactivationReason _deactivationReason;
    private bool _scheduled;
    private bool _deactivationStarted;
    private bool _deactivateWhenIdle;
    private long _lastActive;

    public ActivationData(GrainId grainId, int partition, GrainClassInfo classInfo, SiloRuntime runtime)
    {
        GrainId = grainId;
        Partition = partition;
        ClassInfo = classInfo;
        _runtime = runtime;
        _syncContext = new ActivationSynchronizationContext(this);
        CollectionAge = runtime.CollectionAgeOf(classInfo);
        _lastActive = runtime.Time.GetTimestamp();
        CreatedAt = runtime.Time.GetUtcNow();
    }

    public GrainId GrainId { get; }

    public int Partition { get; }

    public GrainClassInfo ClassInfo { get; }

    public TimeSpan CollectionAge { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The grain instance, once constructed.</summary>
    public object? Grain { get; private set; }

    /// <summary>Completes when the activation has been deactivated (or failed to activate).</summary>
    public Task Deactivated => _deactivated.Task;

    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    public IServiceProvider Services => _runtime.Services;

    public ActivationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Queues a call. False when the activation is gone and the caller must find or create another.
    /// With <paramref name="mayRunInline"/>, a call that finds the activation idle is run on the calling thread (see
    /// <see cref="RunInline"/>).</summary>
    public bool Enqueue(Message message, bool mayRunInline = false)
    {
        bool schedule;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return false;
            }

            message.Activation = this;
            _waiting.Add(message);
            schedule = TryClaimSchedule();
        }

        if (schedule)
        {
            if (mayRunInline && t_inlineDepth < MaxInlineDepth && RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                RunInline();
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        return true;
    }

    /// <summary>Queues a continuation of grain code (from the synchronization context).</summary>
    public void Post(SendOrPostCallback callback, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            _posted.Enqueue((callback, state));
            schedule = TryClaimSchedule();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Drains the activation's queue on a thread-pool thread.</summary>
    public void Execute() => Drain(SliceBudget);

    /// <summary>Drains the queue on the calling thread, the caller having just claimed the idle activation. A call to an
    /// idle grain then costs no thread hop, and when the grain completes synchronously the caller's await continues at
    /// once. The guarantees are those of <see cref="Execute"/>: the claim on the activation is the same, so grain code
    /// still runs on one thread at a time, under its own synchronization context. It runs under a clean execution
    /// context, so that the caller's async-locals do not leak into the grain. Depth and work are bounded: a chain of
    /// inline calls stops at <see cref="MaxInlineDepth"/>, and after <see cref="InlineBudget"/> items the rest of the
    /// queue goes to the thread pool.</summary>
    private void RunInline()
    {
        t_inlineDepth++;
        try
        {
            ExecutionContext.Run(CleanContext, static state => ((ActivationData)state!).Drain(InlineBudget), this);
        }
        finally
        {
            t_inlineDepth--;
        }
    }

    private void Drain(int budget)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_syncContext);
        try
        {
            for (; budget > 0; budget--)
            {
                SendOrPostCallback? callback = null;
                object? callbackState = null;
                Message? start = null;
                var step = Step.None;
                lock (_lock)
                {
                    if (_posted.TryDequeue(out var posted))
                    {
                        (callback, callbackState) = posted;
                        step = Step.Continue;
                    }
                    else if (_state == ActivationState.Created)
                    {
                        _state = ActivationState.Activating;
                        step = Step.Activate;
                    }
                    else if ((_state == ActivationState.Valid || (_state == ActivationState.Deactivating && DrainsBeforeDeactivating)) &&
                             TryTakeStartable(out start))
                    {
                        step = Step.Start;
                    }
                    else if (_state == ActivationState.Deactivating && _running.Count == 0 && !_deactivationStarted &&
                             (!DrainsBeforeDeactivating || _waiting.Count == 0))
                    {
                        _deactivationStarted = true;
                        step = Step.Deactivate;
                    }
                    else
                    {
                        _scheduled = false;
                        return;
                    }
                }

                switch (step)
                {
                    case Step.Continue:
                        RunPosted(callback!, callbackState);
                        break;
                    case Step.Activate:
                        _ = ActivateAsync();
                        break;
                    case Step.Start:
                        _ = RunAsync(start!);
                        break;
                    default:
                        _ = DeactivateAsync();
                        break;
                }
            }

            // Budget used up with work left: go to the back of the thread pool's queue.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Deactivate once no call is running. Safe to call from anywhere, any number of times.</summary>
    public void StartDeactivation(DeactivationReason reason)
    {
        bool schedule;
        lock (_lock)
        {
            if (_state is ActivationState.Created or ActivationState.Activating)
            {
                _deactivateWhenIdle = true;
                _deactivationReason = reason;
                return;
            }

            if (_state != ActivationState.Valid)
            {
                return;
            }

            _state = ActivationState.Deactivating;
            _deactivationReason = reason;
            schedule = TryClaimSchedule();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <inheritdoc />
    public void DeactivateOnIdle() => DeactivateWhenIdle(DeactivationReason.ApplicationRequested);

    /// <summary>Deactivate after the calls running now complete.</summary>
    public void DeactivateWhenIdle(DeactivationReason reason)
    {
        bool now;
        lock (_lock)
        {
            _deactivateWhenIdle = true;
            _deactivationReason = reason;
            now = _state == ActivationState.Valid && _running.Count == 0;
        }

        if (now)
        {
            StartDeactivation(reason);
        }
    }

    /// <summary>True when nothing has run for longer than the collection age.</summary>
    public bool IsIdleSince(long now)
    {
        lock (_lock)
        {
            return _state == ActivationState.Valid && _running.Count == 0 && _waiting.Count == 0 && _posted.Count == 0 &&
                   _runtime.Time.GetElapsedTime(_lastActive, now) >= CollectionAge;
        }
    }

    /// <summary>Moves calls whose deadline has passed to <paramref name="expired"/>: waiting ones leave the queue; running
    /// ones stay (the grain is still executing them) but their callers stop waiting.</summary>
    public void CollectExpired(long now, List<Message> expired)
    {
        lock (_lock)
        {
            for (var i = _waiting.Count - 1; i >= 0; i--)
            {
                if (_waiting[i].Deadline <= now)
                {
                    expired.Add(_waiting[i]);
                    _waiting.RemoveAt(i);
                }
            }

            foreach (var message in _running)
            {
                if (message.Deadline <= now && !message.IsCompleted)
                {
                    expired.Add(message);
                }
            }
        }
    }

    /// <summary>Why a waiting call cannot start, for timeout messages.</summary>
    public string? DescribeBlockers()
    {
        lock (_lock)
        {
            return _state switch
            {
                ActivationState.Created or ActivationState.Activating => $"{GrainId} is still activating",
                ActivationState.Deactivating => $"{GrainId} is deactivating",
                _ when _running.Count > 0 =>
                    $"{GrainId} ({ClassInfo.GrainClass.Name}) is not reentrant and is busy with {string.Join(", ", _running)}",
                _ => null,
            };
        }
    }

    /// <summary>Counts for inspection: calls running and waiting.</summary>
    public (int Running, int Waiting) Load
    {
        get
        {
            lock (_lock)
            {
                return (_running.Count, _waiting.Count);
            }
        }
    }

    public override string ToString() => $"[Activation {GrainId} {State}]";

    private static ExecutionContext CaptureCleanContext()
    {
        // A new thread started with flow suppressed inherits no async-locals. (Not Task.Run: waiting on it may inline the
        // task onto this thread, whose flow is suppressed, and then nothing can be captured.) The thread must touch no
        // static of this class: this runs in its type initializer, which the thread would wait for.
        var marker = new AsyncLocal<bool>();
        var box = new StrongBox<ExecutionContext?>();
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() =>
            {
                marker.Value = true;
                box.Value = ExecutionContext.Capture();
            });
            thread.Start();
            thread.Join();
        }

        return box.Value ?? throw new InvalidOperationException("Could not capture a clean execution context.");
    }

    // A silo shutting down finishes the calls it has already accepted; any other deactivation hands them to the next
    // activation (in a cluster, possibly on another silo) instead. Called with the lock held.
    private bool DrainsBeforeDeactivating => _deactivationReason == DeactivationReason.ShuttingDown;

    // Called with the lock held. True when the caller must queue the drain work item.
    private bool TryClaimSchedule()
    {
        if (_scheduled)
        {
            return false;
        }

        _scheduled = true;
        return true;
    }

    // Called with the lock held. Applies the turn rules to the waiting calls, in arrival order.
    private bool TryTakeStartable([NotNullWhen(true)] out Message? message)
    {
        var blocked = false;
        for (var i = 0; i < _waiting.Count; i++)
        {
            var candidate = _waiting[i];
            if (MayInterleave(candidate) || (!blocked && MayRunNow(candidate)))
            {
                _waiting.RemoveAt(i);
                _running.Add(candidate);
                candidate.Started = true;
                message = candidate;
                return true;
            }

            // A call that must wait holds back later calls that are not allowed to overtake it, so that a stream of
            // read-only calls cannot starve a writer.
            blocked = true;
        }

        message = null;
        return false;
    }

    private bool MayRunNow(Message candidate)
    {
        if (_running.Count == 0)
        {
            return true;
        }

        if (!candidate.IsReadOnly)
        {
            return false;
        }

        foreach (var running in _running)
        {
            if (!running.IsReadOnly)
            {
                return false;
            }
        }

        return true;
    }

    private bool MayInterleave(Message candidate)
    {
        if (candidate.IsAlwaysInterleave || ClassInfo.IsReentrant)
        {
            return true;
        }

        if (ClassInfo.AllowsCallChainReentrancy)
        {
            foreach (var running in _running)
            {
                if (candidate.IsCalledBy(running))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void RunPosted(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception exception)
        {
            // Only 'async void' code lets an exception reach its synchronization context.
            Log.UnhandledGrainException(_runtime.Logger, exception, GrainId);
        }
    }

    private enum Step
    {
        None,
        Continue,
        Activate,
        Start,
        Deactivate,
    }
}

/// <summary>Where an activation is in its life.</summary>
internal enum ActivationState
{
    Created,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}
