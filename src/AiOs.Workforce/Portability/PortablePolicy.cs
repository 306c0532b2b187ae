using System.Text.Json;
using AiOs.Memory;
using AiOs.Workforce.Policies;

namespace AiOs.Workforce.Portability;

/// <summary>The approval policy in a portable snapshot, when the operator set one (the built-in default is not carried:
/// every instance has it).</summary>
public sealed class PortablePolicy(IGrainFactory grains) : IPortableSource
{
    public const string Kind = "policy";

    public IReadOnlyList<string> Kinds { get; } = [Kind];

    public async IAsyncEnumerable<PortableRecord> ExportAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var policy = await Policy.Get().ConfigureAwait(false);
        if (policy.Version > 0)
        {
            yield return PortableJson.Record(Kind, new Entry(policy.Document));
        }
    }

    public (int Index, string Problem)? Check(IReadOnlyList<PortableRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                return (i, "a snapshot holds one policy");
            }

            try
            {
                PolicyParser.Parse(PortableJson.Read<Entry>(records[i]).Document ?? "");
            }
            catch (JsonException exception)
            {
                return (i, $"not a policy ({exception.Message})");
            }
            catch (PolicyInvalidException exception)
            {
                return (i, exception.Message);
            }
        }

        return null;
    }

    public async Task<bool> ImportAsync(PortableRecord record, CancellationToken cancellationToken)
    {
        var document = PortableJson.Read<Entry>(record).Document;
        var current = await Policy.Get().ConfigureAwait(false);
        if (current.Document == document)
        {
            return false;
        }

        // The operator's own policy here is not overwritten by a snapshot's.
        if (current.Version > 0)
        {
            throw new PortableConflictException($"this instance has its own policy (version {current.Version}); it was left as it is");
        }

        await Policy.Set(document, "import", expectedVersion: current.Version).ConfigureAwait(false);
        return true;
    }

    private IPolicyGrain Policy => grains.GetGrain<IPolicyGrain>(PolicyGrain.Key);

    /// <summary>The policy in a snapshot.</summary>
    private sealed record Entry(string Document);
}
