using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence.Events;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using MemoryDraft = AiOs.Memory.MemoryDraft;
using MemoryInputException = AiOs.Memory.MemoryInputException;
using MemoryQuery = AiOs.Memory.MemoryQuery;
using MemoryService = AiOs.Memory.MemoryService;
using Model = AiOs.Persistence.Memory;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Memory over <see cref="MemoryService"/>. Bound only when the silo has memory (AddAiOsMemory);
/// otherwise the service answers UNIMPLEMENTED saying so. Bad input is INVALID_ARGUMENT with memory's own reason.</summary>
internal sealed class MemoryGrpcService(IServiceProvider services) : IGrpcService
{
    private const int DefaultLimit = 10;

    public void Bind(ServiceBinder binder)
    {
        if (services.GetService<MemoryService>() is not { } memory)
        {
            return;
        }

        // The rest of the business a whole snapshot carries (roles, playbooks, entities, policy, schedules), in import order.
        var sources = services.GetServices<AiOs.Memory.IPortableSource>().ToList();
        var service = MemoryReflection.Descriptor.Services[0];
        binder.Unary<SearchMemoryRequest, SearchMemoryResponse>(service, "SearchMemory", (request, call) => Guard(() => SearchAsync(memory, request, call)));
        binder.Unary<AddMemoryRequest, MemoryItem>(service, "AddMemory", (request, call) => Guard(() => AddAsync(memory, request, call)));
        binder.Unary<ForgetMemoryRequest, ForgetReport>(service, "ForgetMemory", (request, call) => Guard(() => ForgetAsync(memory, request, call)));
        binder.ServerStreaming<ExportMemoryRequest, ExportRecord>(service, "ExportMemory", (request, stream, call) => Guard(async () =>
        {
            var scopes = request.Scopes.Count == 0 ? null : request.Scopes.Select(ToModel).ToList();
            await foreach (var record in memory.ExportRecordsAsync(scopes, scopes is null ? sources : null, call.CancellationToken).ConfigureAwait(false))
            {
                await stream.WriteAsync(new ExportRecord { Kind = record.Kind, Json = record.Json }).ConfigureAwait(false);
            }

            return true;
        }));
        binder.ClientStreaming<ExportRecord, ImportReport>(service, "ImportMemory", (records, call) => Guard(async () =>
        {
            var report = await memory.ImportRecordsAsync(ReadRecordsAsync(records), sources, call.CancellationToken).ConfigureAwait(false);
            var response = new ImportReport { Records = report.Records, MemoryItems = report.MemoryItems, Unchanged = report.Unchanged };
            response.Changed.Add(report.Other.ToDictionary());
            response.Skipped.Add(report.Skipped.ToDictionary());
            response.Conflicts.AddRange(report.Conflicts);
            return response;
        }));
    }

    private static async IAsyncEnumerable<AiOs.Memory.PortableRecord?> ReadRecordsAsync(RequestReader<ExportRecord> records)
    {
        while (await records.ReadNextAsync().ConfigureAwait(false) is { } record)
        {
            yield return record.Kind.Length == 0 && record.Json.Length == 0 ? null
                : record.Kind.Length == 0 ? throw new RpcException(StatusCode.InvalidArgument, "a record has no kind")
                : new AiOs.Memory.PortableRecord(record.Kind, record.Json);
        }
    }

    private static async Task<SearchMemoryResponse> SearchAsync(MemoryService memory, SearchMemoryRequest request, ServerCallContext call)
    {
        if (request.Limit is < 0 or > MemoryService.MaxLimit)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"limit must be between 0 (default {DefaultLimit}) and {MemoryService.MaxLimit}");
        }

        if (request.MinConfidence is < 0 or > 1)
        {
            throw new RpcException(StatusCode.InvalidArgument, "min_confidence must be between 0 and 1");
        }

        var filter = new Model.MemoryFilter(
            Kinds: request.Kinds.Count == 0 ? null : [.. request.Kinds.Select(ToModel)],
            Since: request.Since?.ToDateTimeOffset(),
            Source: request.Source.Length == 0 ? null : request.Source,
            MinConfidence: request.MinConfidence == 0 ? null : request.MinConfidence);
        var hits = await memory.SearchAsync(
            new MemoryQuery(ToModel(request.Scope), request.Query, filter, request.Limit == 0 ? DefaultLimit : request.Limit), call.CancellationToken).ConfigureAwait(false);
        var response = new SearchMemoryResponse();
        response.Hits.AddRange(hits.Select(h => new MemoryHit { Item = ToContract(h.Item), Score = h.Score }));
        return response;
    }

    private static async Task<MemoryItem> AddAsync(MemoryService memory, AddMemoryRequest request, ServerCallContext call)
    {
        if (request.Confidence is < 0 or > 1)
        {
            throw new RpcException(StatusCode.InvalidArgument, "confidence must be between 0 and 1 (0: not given, taken as 1)");
        }

        var draft = new MemoryDraft(
            ToModel(request.Scope),
            ToModel(request.Kind),
            request.Text,
            new Model.MemoryProvenance(request.Source.Length == 0 ? "api" : request.Source, call.Actor, DateTimeOffset.UtcNow),
            request.Confidence == 0 ? 1 : request.Confidence,
            request.RequestId.Length == 0 ? null : request.RequestId);
        var (item, _) = await memory.AddAsync(draft, call.CancellationToken).ConfigureAwait(false);
        return ToContract(item);
    }

    private static async Task<ForgetReport> ForgetAsync(MemoryService memory, ForgetMemoryRequest request, ServerCallContext call)
    {
        switch (request.TargetCase)
        {
            case ForgetMemoryRequest.TargetOneofCase.CustomerId:
                var report = await memory.ForgetCustomerAsync(request.CustomerId, new EventProvenance("api", call.Actor), call.CancellationToken).ConfigureAwait(false);
                return new ForgetReport
                {
                    ItemsRemoved = report.ItemsRemoved,
                    EmbeddingsRemoved = report.EmbeddingsRemoved,
                    CacheEntriesRemoved = report.CacheEntriesRemoved,
                    EventPayloadsRedacted = report.EventPayloadsRedacted,
                    GoalsErased = report.GoalsErased,
                    SchedulesRemoved = report.SchedulesRemoved,
                    RecordsErased = report.RecordsErased,
                };
            case ForgetMemoryRequest.TargetOneofCase.ItemId:
                var removed = await memory.RemoveAsync(ToModel(request.Scope), request.ItemId, call.CancellationToken).ConfigureAwait(false);
                return new ForgetReport { ItemsRemoved = removed ? 1 : 0, EmbeddingsRemoved = removed ? 1 : 0 };
            default:
                throw new RpcException(StatusCode.InvalidArgument, "say what to forget: item_id (with its scope) or customer_id");
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MemoryInputException ex)
        {
            throw new RpcException(StatusCode.InvalidArgument, ex.Message);
        }
        catch (AiOs.Memory.ForgetRefusedException ex)
        {
            throw new RpcException(StatusCode.FailedPrecondition, ex.Message);
        }
    }

    private static Model.MemoryScope ToModel(MemoryScope? scope) => scope?.Kind switch
    {
        MemoryScopeKind.Business => new Model.MemoryScope(Model.MemoryScopeKind.Business, scope.Id),
        MemoryScopeKind.Customer => Model.MemoryScope.Customer(scope.Id),
        MemoryScopeKind.Project => Model.MemoryScope.Project(scope.Id),
        MemoryScopeKind.Role => Model.MemoryScope.Role(scope.Id),
        _ => throw new RpcException(StatusCode.InvalidArgument, "scope.kind must be BUSINESS, CUSTOMER, PROJECT or ROLE"),
    };

    private static Model.MemoryKind ToModel(MemoryKind kind) => kind is >= MemoryKind.Fact and <= MemoryKind.Playbook
        ? (Model.MemoryKind)((int)kind - 1)
        : throw new RpcException(StatusCode.InvalidArgument, "kind must be FACT, PREFERENCE, INTERACTION, DECISION, SUMMARY or PLAYBOOK");

    private static MemoryItem ToContract(Model.MemoryItem item)
    {
        var contract = new MemoryItem
        {
            ItemId = item.ItemId,
            Scope = new MemoryScope { Kind = (MemoryScopeKind)((int)item.Scope.Kind + 1), Id = item.Scope.Id },
            Kind = (MemoryKind)((int)item.Kind + 1),
            Text = item.Text,
            Provenance = new Provenance { Source = item.Provenance.Source, Actor = item.Provenance.Actor, At = Timestamp.FromDateTimeOffset(item.CreatedAt) },
            EventSequence = item.Provenance.EventSequence ?? 0,
            Confidence = item.Confidence,
            CreatedAt = Timestamp.FromDateTimeOffset(item.CreatedAt),
        };
        contract.SourceItemIds.AddRange(item.SourceItemIds);
        return contract;
    }
}
