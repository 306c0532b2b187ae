using AiOs.Memory;
using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Runtime;

namespace AiOs.Workforce.Entities;

/// <summary>Forgetting a customer erases the personal part of the events of the entities linked to them (their projects
/// and leads); memory erases the customer's own stream after the participants ran, so the links can still be read here.</summary>
public sealed class EntityForgetting(IEventLog events, SiloRuntime runtime) : IMemoryForgetParticipant
{
    private const int PageSize = 500;

    public async Task<ForgetContribution> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var writer = new StorageWriter(runtime.SiloId);
        var linked = new HashSet<string>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await events.ReadStreamAsync(new GrainId(EntityTypes.Customer, customerId), after, PageSize, cancellationToken);
            foreach (var stored in page.Where(e => e.Kind.EndsWith(".linked", StringComparison.Ordinal) && e.Payload is not null))
            {
                linked.Add(WorkforceJson.Deserialize<LinkPayload>(stored.Payload!).Entity);
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Revision;
        }

        long erased = 0;
        foreach (var entity in linked)
        {
            var slash = entity.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
            {
                erased += await events.EraseStreamAsync(new GrainId(entity[..slash], entity[(slash + 1)..]), writer, cancellationToken);
            }
        }

        return new ForgetContribution(EventPayloadsRedacted: erased);
    }

    private sealed record LinkPayload(string Entity);
}
