using AiOs.Persistence;
using AiOs.Runtime.Activation;
using AiOs.Runtime.Configuration;
using AiOs.Runtime.Grains;
using AiOs.Runtime.Messaging;
using AiOs.Runtime.Metrics;
using AiOs.Runtime.Placement;
using AiOs.Runtime.Reminders;
using AiOs.Runtime.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Runtime;

/// <summary>The root of one silo's runtime. It owns the catalog, invoker, factory, activator, reminders, deadline
/// sweeper and idle collector and hands itself to them, so that their mutual references need no dependency-injection
/// cycles; leaf services (options, clock, storage, filters) come from the container.</summary>
public sealed class SiloRuntime : IAsyncDisposable
{
    private readonly CallTimeoutSweeper _sweeper;
    private readonly ActivationCollector _collector;

    public SiloRuntime(
        IServiceProvider services,
        IOptions<SiloOptions> siloOptions,
        IOptions<GrainCallOptions> callOptions,
        IOptions<GrainCollectionOptions> collectionOptions,
        IOptions<ReminderOptions> reminderOptions,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        RuntimeInstruments instruments,
        IEnumerable<GrainAssembly> grainAssemblies,
        IEnumerable<GrainClass> grainClasses,
        IEnumerable<IIncomingGrainCallFilter> incomingFilters,
        IEnumerable<IOutgoingGrainCallFilter> outgoingFilters)
    {
        Services = services;
        SiloId = siloOptions.Value.SiloId;
        CallOptions = callOptions.Value;
        CollectionOptions = collectionOptions.Value;
        ReminderOptions = reminderOptions.Value;
        Time = time;
        Logger = loggerFactory.CreateLogger("AiOs.Runtime");
        Instruments = instruments;
        Ownership = services.GetService<IPartitionOwnership>() ?? new SingleSiloOwnership(siloOptions.Value.PartitionCount);
        ReminderTable = services.GetService<IReminderTable>();
        Forwarder = services.GetService<IMessageForwarder>();
        ResponseTimeoutTicks = (long)(CallOptions.ResponseTimeout.TotalSeconds * time.TimestampFrequency);

        IncomingFilters = incomingFilters.ToArray();
        OutgoingFilters = outgoingFilters.ToArray();

        Types = new GrainTypeRegistry(grainAssemblies, grainClasses);
        Catalog = new Catalog(this);
        Invoker = new GrainCallInvoker(this);
        var factory = new GrainFactory(Types, Invoker);
        GrainFactory = factory;
        StateSerializer = new GrainStateSerializer(factory);
        Activator = new GrainActivator(this);
        Reminders = new ReminderService(this);
        _sweeper = new CallTimeoutSweeper(this);
        _collector = new ActivationCollector(this);
    }

    /// <summary>The silo's id, written as provenance on every row.</summary>
    public string SiloId { get; }

    /// <summary>Creates grain references.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The JSON form of state (and of arguments that cross silos).</summary>
    public GrainStateSerializer StateSerializer { get; }

    /// <summary>The partitions this silo serves.</summary>
    public IPartitionOwnership Ownership { get; }

    /// <summary>Number of activations in this silo.</summary>
    public int ActivationCount => Catalog.Count;

    /// <summary>Live activations per grain type name, counted now (for the cluster view of the API and dashboard).</summary>
    public IReadOnlyDictionary<string, int> CountActivationsByGrainType()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var activation in Catalog.Activations)
        {
            var type = activation.GrainId.Type;
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        return counts;
    }

    /// <summary>The activation of <paramref name="grainId"/> in this silo, for inspection; null when it is not active here.</summary>
    public ActivationDescription? DescribeActivation(GrainId grainId) =>
        Catalog.Find(grainId) is { } activation
            ? new ActivationDescription(activation.GrainId, activation.Partition, activation.CreatedAt, activation.State.ToString(), activation.Load.Running, activation.Load.Waiting)
            : null;

    /// <summary>The reminders this silo has scheduled (those of the partitions it owns), for inspection.</summary>
    public IReadOnlyList<ReminderEntry> ScheduledReminders => Reminders.Scheduled();

    /// <summary>True between a successful start and the beginning of stop.</summary>
    public bool IsRunning { get; private set; }

    internal IServiceProvider Services { get; }

    internal GrainCallOptions CallOptions { get; }

    internal GrainCollectionOptions CollectionOptions { get; }

    internal ReminderOptions ReminderOptions { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal RuntimeInstruments Instruments { get; }

    internal IReminderTable? ReminderTable { get; }

    internal IMessageForwarder? Forwarder { get; }

    internal long ResponseTimeoutTicks { get; }

    internal IIncomingGrainCallFilter[] IncomingFilters { get; }

    internal IOutgoingGrainCallFilter[] OutgoingFilters { get; }

    internal GrainTypeRegistry Types { get; }

    internal Catalog Catalog { get; }

    internal GrainCallInvoker Invoker { get; }

    internal GrainActivator Activator { get; }

    internal ReminderService Reminders { get; }

    internal ActivationCollector Collector => _collector;

    internal CallTimeoutSweeper Sweeper => _sweeper;

    /// <summary>Starts serving: calls are accepted, deadlines and idle activations are watched, reminders load.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Ownership.PartitionsLost += OnPartitionsLost;
        Catalog.Start();
        _sweeper.Start();
        _collector.Start();
        await Reminders.StartAsync(cancellationToken).ConfigureAwait(false);
        IsRunning = true;
    }

    /// <summary>Stops gracefully: no new activations, reminders stop, every activation finishes its running calls and
    /// deactivates (bounded by the deactivation timeout).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IsRunning = false;
        Catalog.BeginStopping();
        await Reminders.DisposeAsync().ConfigureAwait(false);
        _collector.Dispose();
        var activations = Catalog.Activations.ToList();
        foreach (var activation in activations)
        {
            activation.StartDeactivation(DeactivationReason.ShuttingDown);
        }

        var drained = Task.WhenAll(activations.Select(a => a.Deactivated));
        try
        {
            await drained.WaitAsync(CollectionOptions.DeactivationTimeout, Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Out of time (ours, or the host's): what did not finish is lost from memory only; its state is stored.
            Log.ShutdownDrainTimedOut(Logger, activations.Count(a => !a.Deactivated.IsCompleted), CollectionOptions.DeactivationTimeout);
        }

        _sweeper.Dispose();
    }

    /// <summary>Deactivates the activations of <paramref name="partitions"/> (for a graceful hand-off) and returns when
    /// they are done; their waiting calls go to whoever owns the partitions next.</summary>
    internal Task DeactivatePartitionsAsync(IReadOnlySet<int> partitions, DeactivationReason reason) =>
        Catalog.DeactivatePartitionsAsync(partitions, reason);

    /// <summary>Takes a call that another silo forwarded here. Its outcome goes to <see cref="Message.CompletionSink"/>.</summary>
    internal void ReceiveForwarded(Message message) => Catalog.Dispatch(message);

    private void OnPartitionsLost(IReadOnlyCollection<int> partitions) =>
        _ = Catalog.DeactivatePartitionsAsync(partitions.ToHashSet(), DeactivationReason.PartitionLost);

    /// <summary>The collection age of a grain class: configuration, else its attribute, else the default.</summary>
    internal TimeSpan CollectionAgeOf(GrainClassInfo info) =>
        CollectionOptions.CollectionAgeByGrainType.TryGetValue(info.TypeName, out var configured) ? configured
        : info.AttributeCollectionAge ?? CollectionOptions.CollectionAge;

    public async ValueTask DisposeAsync()
    {
        Ownership.PartitionsLost -= OnPartitionsLost;
        _sweeper.Dispose();
        _collector.Dispose();
        await Reminders.DisposeAsync().ConfigureAwait(false);
    }
}
