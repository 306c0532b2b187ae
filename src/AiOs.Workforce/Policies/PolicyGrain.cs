using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Policies;

/// <summary>The policy grain's checkpoint.</summary>
public sealed class PolicyState
{
    public string? Document { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    /// <summary>The hash of the policy file's content last applied, so that a restart does not re-apply an old file over a
    /// policy set through the API since.</summary>
    public string? FileHash { get; set; }

    /// <summary>Consecutive approvals without edits, per action kind.</summary>
    public Dictionary<string, int> ApprovalRuns { get; set; } = [];
}

[GrainType("policy")]
public sealed class PolicyGrain(
    [PersistentState("policy")] IPersistentState<PolicyState> state,
    IOptions<ApprovalOptions> options,
    TimeProvider time) : Grain, IPolicyGrain
{
    /// <summary>The key of the one policy grain.</summary>
    public const string Key = "current";

    public Task<PolicySnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<PolicySnapshot> Set(string document, string updatedBy, long? expectedVersion = null, string? fileHash = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(updatedBy);
        if (fileHash is not null && fileHash == state.State.FileHash)
        {
            return Snapshot();
        }

        PolicyParser.Parse(document);
        if (expectedVersion is { } expected && expected != state.State.Version)
        {
            throw new PolicyVersionConflictException($"the policy is at version {state.State.Version}, not {expected}: it changed since it was read; read it again");
        }

        state.State.Document = document;
        state.State.Version++;
        state.State.UpdatedAt = time.GetUtcNow();
        state.State.UpdatedBy = updatedBy;
        state.State.FileHash = fileHash ?? state.State.FileHash;

        // The operator has acted on the policy: suggestions start over.
        state.State.ApprovalRuns.Clear();
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task RecordDecision(string actionKind, bool approvedUnedited)
    {
        ArgumentException.ThrowIfNullOrEmpty(actionKind);
        var runs = state.State.ApprovalRuns;
        runs[actionKind] = approvedUnedited ? runs.GetValueOrDefault(actionKind) + 1 : 0;
        await state.WriteStateAsync();
    }

    private PolicySnapshot Snapshot()
    {
        var threshold = options.Value.SuggestAutonomyAfter;
        var suggestions = state.State.ApprovalRuns
            .Where(r => r.Value >= threshold)
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new AutonomySuggestion(r.Key, r.Value,
                $"'{r.Key}' was approved {r.Value} times in a row without edits; consider a rule that lets it run automatically (then: auto)"))
            .ToList();
        return new PolicySnapshot(state.State.Document ?? DefaultPolicy.Document, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy, suggestions);
    }
}
