using System.Diagnostics;
using AiOs.Runtime.Messaging;
using AiOs.Runtime.Metrics;
using AiOs.Runtime.State;
using AiOs.Runtime.Timers;

namespace AiOs.Runtime.Activation;

// Activation, the run of one call, and deactivation. Every method here runs on the activation's scheduler.
internal sealed partial class ActivationData
{
    private IReadOnlyList<IPersistentStateLoader> _states = [];
    private (AiOs.Invocation.GrainMethodDescriptor Method, MethodCallStatistics Statistics)? _lastStatistics;
    private int _callsUntilTimed;

    private async Task ActivateAsync()
    {
        if (!_runtime.Ownership.Owns(Partition))
        {
            // The partition moved between routing and activation: hand the waiting calls to its new owner.
            AbandonBeforeActivation();
            return;
        }

        try
        {
            (Grain, _states) = _runtime.Activator.Create(this);
            foreach (var state in _states)
            {
                await state.ReadStateAsync();
            }

            if (Grain is Grain grain)
            {
                using var cancellation = new CancellationTokenSource(_runtime.CollectionOptions.DeactivationTimeout * 3);
                await grain.OnActivateAsync(cancellation.Token);
            }

            bool deactivateNow;
            lock (_lock)
            {
                _state = ActivationState.Valid;
                _lastActive = _runtime.Time.GetTimestamp();
                deactivateNow = _deactivateWhenIdle;
            }

            _runtime.Instruments.ActivationCreated(GrainId.Type);
            if (deactivateNow)
            {
                StartDeactivation(_deactivationReason);
            }
        }
        catch (Exception exception)
        {
            var error = exception as GrainActivationException ?? new GrainActivationException(
                GrainId, $"Could not activate {GrainId} ({ClassInfo.GrainClass.Name}): {exception.Message}", exception);
            Log.ActivationFailed(_runtime.Logger, exception, GrainId);
            List<Message> failed;
            lock (_lock)
            {
                _state = ActivationState.Invalid;
                failed = [.. _waiting];
                _waiting.Clear();
            }

            StopTimers();
            _runtime.Catalog.Remove(this);
            _deactivated.TrySetResult();
            foreach (var message in failed)
            {
                message.Complete(error);
            }
        }
    }

    private void AbandonBeforeActivation()
    {
        List<Message> pending;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            pending = [.. _waiting];
            _waiting.Clear();
        }

        _runtime.Catalog.Remove(this);
        _deactivated.TrySetResult();
        foreach (var message in pending)
        {
            message.Activation = null;
            _runtime.Catalog.Dispatch(message);
        }
    }

    private async Task RunAsync(Message message)
    {
        // Visible to everything this call does, through its awaits; undone for our caller when this method returns.
        RequestContext.Current = message;
        Exception? error = null;

        // Time one call in LatencySampleInterval (always the first): clock reads are the costly part of statistics.
        var timed = _runtime.CallOptions.RecordCallMetrics && _callsUntilTimed-- <= 0;
        var started = timed ? Stopwatch.GetTimestamp() : 0;
        try
        {
            if (_runtime.IncomingFilters.Length == 0)
            {
                await message.Request.InvokeAsync(Grain!);
            }
            else
            {
                await new IncomingCallContext(_runtime.IncomingFilters, message, Grain!).Invoke();
            }
        }
        catch (Exception exception)
        {
            error = exception;
        }

        if (_runtime.CallOptions.RecordCallMetrics)
        {
            if (timed)
            {
                _callsUntilTimed = _runtime.CallOptions.LatencySampleInterval - 1;
            }

            _runtime.Instruments.RecordCall(StatisticsFor(message.Request.Method), timed ? Stopwatch.GetTimestamp() - started : -1, error is not null);
        }

        bool deactivate;
        lock (_lock)
        {
            _running.Remove(message);
            if (message.Kind != GrainCallKind.Timer || message.Request is TimerTickRequest { KeepAlive: true })
            {
                _lastActive = _runtime.Time.GetTimestamp();
            }

            deactivate = _deactivateWhenIdle && _running.Count == 0 && _state == ActivationState.Valid;
            if (deactivate)
            {
                _state = ActivationState.Deactivating;
            }
        }

        message.Complete(error);
    }

    // Grains are mostly called through one method at a time: remember the last statistics cell to skip the lookup.
    private MethodCallStatistics StatisticsFor(AiOs.Invocation.GrainMethodDescriptor method)
    {
        var last = _lastStatistics;
        if (last is not null && ReferenceEquals(last.Value.Method, method))
        {
            return last.Value.Statistics;
        }

        var statistics = ClassInfo.StatisticsFor(method, _runtime.Instruments.Statistics);
        _lastStatistics = (method, statistics);
        return statistics;
    }

    private async Task DeactivateAsync()
    {
        DeactivationReason reason;
        lock (_lock)
        {
            reason = _deactivationReason;
        }

        StopTimers();
        if (Grain is Grain grain)
        {
            var timeout = _runtime.CollectionOptions.DeactivationTimeout;
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                await grain.OnDeactivateAsync(reason, cancellation.Token).WaitAsync(timeout, _runtime.Time);
            }
            catch (Exception exception)
            {
                Log.DeactivationFailed(_runtime.Logger, exception, GrainId, reason);
            }
        }

        try
        {
            switch (Grain)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception exception)
        {
            Log.DeactivationFailed(_runtime.Logger, exception, GrainId, reason);
        }

        List<Message> pending;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            pending = [.. _waiting];
            _waiting.Clear();
        }

        _runtime.Catalog.Remove(this);
        _runtime.Instruments.ActivationRemoved(GrainId.Type);
        Log.Deactivated(_runtime.Logger, GrainId, reason);
        _deactivated.TrySetResult();

        // Calls that arrived while the activation was winding down go to a new activation.
        foreach (var message in pending)
        {
            message.Activation = null;
            _runtime.Catalog.Dispatch(message);
        }
    }

    private void StopTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }
}
