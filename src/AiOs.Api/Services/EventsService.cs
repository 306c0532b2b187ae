using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence.Events;
using Google.Protobuf.WellKnownTypes;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Events over the event log: queries read it in sequence order and filter; a watch replays, then polls
/// the log for new events (the log has no change notification; a poll is one indexed read of what follows the last
/// sequence seen).</summary>
internal sealed class EventsService(IEventLog log, TimeProvider time) : IGrpcService
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;
    private const int BatchSize = 500;

    // How many events a query reads at most to fill its page, so that a filter that matches little cannot scan the whole
    // log in one call; the caller continues from last_sequence.
    private const int MaxScanned = 20_000;

    /// <summary>How often a watch looks for new events.</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public void Bind(ServiceBinder binder)
    {
        var service = EventsReflection.Descriptor.Services[0];
        binder.Unary<QueryEventsRequest, QueryEventsResponse>(service, "QueryEvents", QueryAsync);
        binder.ServerStreaming<WatchEventsRequest, Event>(service, "WatchEvents", WatchAsync);
    }

    private async Task<QueryEventsResponse> QueryAsync(QueryEventsRequest request, ServerCallContext call)
    {
        if (request.Limit is < 0 or > MaxLimit || request.AfterSequence < 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"limit must be between 0 and {MaxLimit}, after_sequence not negative");
        }

        var limit = request.Limit == 0 ? DefaultLimit : request.Limit;
        var since = request.Since?.ToDateTimeOffset();
        var response = new QueryEventsResponse { LastSequence = request.AfterSequence };
        var scanned = 0;
        while (response.Events.Count < limit && scanned < MaxScanned)
        {
            var batch = await log.ReadAsync(response.LastSequence, BatchSize, call.CancellationToken).ConfigureAwait(false);
            foreach (var stored in batch)
            {
                response.LastSequence = stored.Sequence;
                if ((since is null || stored.OccurredAt >= since) && Matches(request.Filter, stored))
                {
                    response.Events.Add(ToContract(stored));
                    if (response.Events.Count == limit)
                    {
                        break;
                    }
                }
            }

            scanned += batch.Count;
            if (batch.Count < BatchSize)
            {
                break;
            }
        }

        return response;
    }

    private async Task WatchAsync(WatchEventsRequest request, ServerStreamWriter<Event> stream, ServerCallContext call)
    {
        if (request.AfterSequence < 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, "after_sequence must not be negative");
        }

        var after = request.AfterSequence > 0 ? request.AfterSequence : (await log.ReadHeadAsync(call.CancellationToken).ConfigureAwait(false)).LastSequence;
        while (true)
        {
            var batch = await log.ReadAsync(after, BatchSize, call.CancellationToken).ConfigureAwait(false);
            foreach (var stored in batch)
            {
                after = stored.Sequence;
                if (Matches(request.Filter, stored))
                {
                    await stream.WriteAsync(ToContract(stored)).ConfigureAwait(false);
                }
            }

            if (batch.Count < BatchSize)
            {
                await Task.Delay(PollInterval, time, call.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool Matches(EventFilter? filter, StoredEvent stored) =>
        filter is null
        || ((filter.GrainType.Length == 0 || filter.GrainType == stored.StreamType)
            && (filter.GrainKey.Length == 0 || filter.GrainKey == stored.StreamKey)
            && (filter.Kinds.Count == 0 || filter.Kinds.Contains(stored.Kind)));

    private static Event ToContract(StoredEvent stored) => new()
    {
        Sequence = stored.Sequence,
        At = Timestamp.FromDateTimeOffset(stored.OccurredAt),
        GrainType = stored.StreamType,
        GrainKey = stored.StreamKey ?? "",
        Kind = stored.Kind,
        PayloadJson = stored.Payload ?? "",
        Provenance = new Provenance
        {
            Source = stored.Provenance.Source,
            Actor = stored.Provenance.Actor,
            At = Timestamp.FromDateTimeOffset(stored.OccurredAt),
        },
        Hash = Convert.ToHexStringLower(stored.Hash),
    };
}
