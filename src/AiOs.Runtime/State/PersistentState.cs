using AiOs.Persistence;
using AiOs.Runtime.Activation;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Runtime.State;

/// <summary>What the activation needs of a state, whatever its type.</summary>
internal interface IPersistentStateLoader
{
    string StateName { get; }

    Task ReadStateAsync();
}

internal static class PersistentStateFactory
{
    public static IPersistentStateLoader Create(Type stateType, ActivationData activation, SiloRuntime runtime, string stateName, string storageName)
    {
        var store = storageName == PersistentStateAttribute.DefaultStorage
            ? runtime.Services.GetService<IGrainStateStore>()
            : runtime.Services.GetKeyedService<IGrainStateStore>(storageName);
        if (store is null)
        {
            throw new InvalidOperationException(
                $"{activation.GrainId}: state '{stateName}' uses storage '{storageName}', but no such storage provider is registered.");
        }

        var type = typeof(PersistentState<>).MakeGenericType(stateType);
        return (IPersistentStateLoader)Activator.CreateInstance(type, activation, runtime, store, stateName)!;
    }
}

/// <summary>One named state of one activation. Keeps the JSON of the last state read or written successfully, so that
/// after a failed write the grain goes on from its last good state: an unacknowledged change never leaks into a
/// later successful write.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IPersistentStateLoader
    where TState : class, new()
{
    private readonly ActivationData _activation;
    private readonly SiloRuntime _runtime;
    private readonly IGrainStateStore _store;
    private readonly GrainStateKey _key;
    private string? _lastGoodJson;

    public PersistentState(ActivationData activation, SiloRuntime runtime, IGrainStateStore store, string stateName)
    {
        _activation = activation;
        _runtime = runtime;
        _store = store;
        StateName = stateName;
        _key = new GrainStateKey(activation.GrainId, stateName, activation.Partition);
    }

    public string StateName { get; }

    public TState State { get; set; } = new();

    public string? ETag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync()
    {
        var stored = await _store.ReadAsync(_key);
        if (stored?.Json is null)
        {
            State = new TState();
            ETag = stored?.ETag;
            RecordExists = false;
            _lastGoodJson = null;
            return;
        }

        State = Deserialize(stored.Json);
        ETag = stored.ETag;
        RecordExists = true;
        _lastGoodJson = stored.Json;
    }

    public async Task WriteStateAsync()
    {
        var json = _runtime.StateSerializer.Serialize(State, typeof(TState));
        try
        {
            ETag = await _store.WriteAsync(_key, json, ETag, Writer());
            RecordExists = true;
            _lastGoodJson = json;
        }
        catch (InconsistentStateException exception)
        {
            // Our view is stale: let the next call start from a fresh activation that reads the current row.
            _activation.DeactivateWhenIdle(DeactivationReason.InconsistentState);
            throw new InconsistentStateException(
                $"Write of {_key} to {_store.ProviderName} lost a race: {exception.Message} The activation will be deactivated; retry the call.",
                exception)
            {
                ExpectedETag = exception.ExpectedETag,
                StoredETag = exception.StoredETag,
            };
        }
        catch (LeaseLostException)
        {
            // This silo no longer owns the grain's partition: the activation must go (the new owner activates it).
            RestoreLastGood();
            _activation.DeactivateWhenIdle(DeactivationReason.PartitionLost);
            throw;
        }
        catch
        {
            RestoreLastGood();
            throw;
        }
    }

    public async Task ClearStateAsync()
    {
        try
        {
            ETag = await _store.ClearAsync(_key, ETag, Writer());
            RecordExists = false;
            State = new TState();
            _lastGoodJson = null;
        }
        catch (InconsistentStateException)
        {
            _activation.DeactivateWhenIdle(DeactivationReason.InconsistentState);
            throw;
        }
    }

    private StorageWriter Writer() => new(_runtime.SiloId, _runtime.Ownership.GetFence(_activation.Partition));

    private void RestoreLastGood() => State = _lastGoodJson is null ? new TState() : Deserialize(_lastGoodJson);

    private TState Deserialize(string json)
    {
        try
        {
            return (TState?)_runtime.StateSerializer.Deserialize(json, typeof(TState))
                ?? throw new StateDeserializationException($"the stored JSON is 'null'");
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException or StateDeserializationException or InvalidOperationException)
        {
            throw new StateDeserializationException(
                $"State '{StateName}' of {_activation.GrainId} stored in {_store.ProviderName} could not be read as {typeof(TState).Name}: " +
                $"{exception.Message} The stored row was left unchanged.",
                exception);
        }
    }
}
