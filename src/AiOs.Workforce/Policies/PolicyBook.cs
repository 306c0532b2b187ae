using System.Collections.Concurrent;

namespace AiOs.Workforce.Policies;

/// <summary>Parsed policies by version, per silo, so that a decision does not re-parse the document.</summary>
public sealed class PolicyBook
{
    private readonly ConcurrentDictionary<long, Policy> _parsed = new();

    public Policy For(PolicySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_parsed.TryGetValue(snapshot.Version, out var policy))
        {
            return policy;
        }

        policy = PolicyParser.Parse(snapshot.Document);
        if (_parsed.Count > 16)
        {
            _parsed.Clear();
        }

        return _parsed.GetOrAdd(snapshot.Version, policy);
    }
}
