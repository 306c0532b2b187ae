using System.Collections.Concurrent;
using AiOs.Cluster.Transport;
using AiOs.Runtime;
using AiOs.Runtime.Messaging;
using AiOs.Runtime.Placement;

namespace AiOs.Cluster.Routing;

/// <summary>Sends calls for partitions this silo does not hold to the silo that does. A call whose partition has no
/// known owner (the cluster is starting, a silo failed and its leases have not lapsed yet, or a partition is moving) is
/// parked and tried again whenever the directory changes and every few milliseconds, until its deadline; it never ran, so
/// it then fails as unavailable, which callers may retry.</summary>
internal sealed class MessageForwarder : IMessageForwarder, IDisposable
{
    /// <summary>How often parked calls are tried again even without news from the directory.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>How long past its deadline a forwarded call may wait for the remote silo's own timeout answer before it
    /// is failed here (the remote answer carries the wait chain; this covers a silo that cannot answer at all).</summary>
    private static readonly TimeSpan RemoteAnswerGrace = TimeSpan.FromSeconds(2);

    private readonly ConcurrentQueue<Parked> _parked = new();
    private readonly IPartitionOwnership _ownership;
    private readonly PartitionDirectory _directory;
    private readonly Lazy<SiloRuntime> _runtime;
    private readonly Lazy<ClusterTransport> _transport;
    private readonly TimeProvider _time;
    private readonly ITimer _retry;
    private readonly long _graceTicks;
    private int _draining;

    public MessageForwarder(IPartitionOwnership ownership, PartitionDirectory directory, Lazy<SiloRuntime> runtime, Lazy<ClusterTransport> transport, TimeProvider time)
    {
        _ownership = ownership;
        _directory = directory;
        _runtime = runtime;
        _transport = transport;
        _time = time;
        _graceTicks = (long)(RemoteAnswerGrace.TotalSeconds * time.TimestampFrequency);
        _directory.Updated += RetryParked;
        _retry = time.CreateTimer(_ => OnRetryTick(), null, RetryInterval, RetryInterval);
    }

    /// <summary>Calls waiting for their partition to get an owner.</summary>
    public int ParkedCount => _parked.Count;

    public void Forward(Message message, int partition)
    {
        if (message.IsCompleted)
        {
            return;
        }

        if (_ownership.Owns(partition))
        {
            // Acquired meanwhile (or handed back to this silo): serve it here.
            _runtime.Value.ReceiveForwarded(message);
            return;
        }

        var address = _directory.AddressOf(partition);
        if (address is null)
        {
            Park(message, partition);
            return;
        }

        var remaining = Remaining(message);
        _transport.Value.Traffic.CountForwarded();
        if (!_transport.Value.Connect(address).TrySend(message, partition, remaining))
        {
            Reroute(message, partition, address);
        }
    }

    /// <summary>A peer did not take the call (it does not own the partition, or the connection broke before the call was
    /// written): the directory was wrong about <paramref name="address"/>; wait for a better answer.</summary>
    public void Reroute(Message message, int partition, string address)
    {
        _directory.Invalidate(partition, address);
        Park(message, partition);
    }

    public void Dispose()
    {
        _directory.Updated -= RetryParked;
        _retry.Dispose();
        while (_parked.TryDequeue(out var parked))
        {
            parked.Message.Complete(new SiloUnavailableException($"The silo stopped before {parked.Message} could be sent to the owner of its partition."));
        }
    }

    private void Park(Message message, int partition) => _parked.Enqueue(new Parked(message, partition));

    private void OnRetryTick()
    {
        RetryParked();
        if (_transport.IsValueCreated)
        {
            _transport.Value.ExpireOverdue(_time.GetTimestamp(), _graceTicks);
        }
    }

    private void RetryParked()
    {
        // One pass at a time; a call that parks again during the pass waits for the next one.
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            for (var count = _parked.Count; count > 0 && _parked.TryDequeue(out var parked); count--)
            {
                if (parked.Message.IsCompleted)
                {
                    continue;
                }

                if (parked.Message.Deadline != Message.NoDeadline && now >= parked.Message.Deadline)
                {
                    parked.Message.Complete(new SiloUnavailableException(
                        $"No silo took {parked.Message} before its deadline: partition {parked.Partition} had no reachable owner " +
                        "(the cluster is starting, or a silo failed and its leases have not lapsed yet). The call did not run; it can be retried."));
                    continue;
                }

                Forward(parked.Message, parked.Partition);
            }
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    private TimeSpan Remaining(Message message) =>
        message.Deadline == Message.NoDeadline
            ? _runtime.Value.CallOptions.ResponseTimeout
            : TimeSpan.FromSeconds(Math.Max(0, message.Deadline - _time.GetTimestamp()) / (double)_time.TimestampFrequency);

    private readonly record struct Parked(Message Message, int Partition);
}
