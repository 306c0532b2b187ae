namespace AiOs.Workforce.Policies;

/// <summary>The policy in force, as the operator sees it.</summary>
/// <param name="Document">The document as written.</param>
/// <param name="Version">Changes with every change; 0 for the built-in default.</param>
/// <param name="UpdatedAt">When it was set (null for the built-in default).</param>
/// <param name="UpdatedBy">Who set it: a key, or <c>file:&lt;path&gt;</c>.</param>
/// <param name="Suggestions">Action kinds the operator approved often enough without edits that raising their autonomy
/// is suggested (only the operator changes the policy).</param>
public sealed record PolicySnapshot(string Document, long Version, DateTimeOffset? UpdatedAt, string? UpdatedBy, IReadOnlyList<AutonomySuggestion> Suggestions);

/// <summary>A suggestion to let an action kind run without approval.</summary>
public sealed record AutonomySuggestion(string ActionKind, int ConsecutiveApprovals, string Text);

/// <summary>The one policy of the cluster (key <see cref="PolicyGrain.Key"/>): its document, version and history of approvals per
/// action kind. A single grain, so that every silo decides by the same version.</summary>
public interface IPolicyGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<PolicySnapshot> Get();

    /// <summary>Replaces the policy when <paramref name="document"/> parses; a malformed one throws
    /// <see cref="PolicyInvalidException"/> and changes nothing. With <paramref name="expectedVersion"/> the change is
    /// refused (<see cref="PolicyVersionConflictException"/>) if the policy changed since then. With
    /// <paramref name="fileHash"/> (a reload from the policy file) the same file content is applied only once.</summary>
    Task<PolicySnapshot> Set(string document, string updatedBy, long? expectedVersion = null, string? fileHash = null);

    /// <summary>Counts an operator's decision on an action kind: an approval without edits extends the run, anything else
    /// ends it.</summary>
    Task RecordDecision(string actionKind, bool approvedUnedited);
}
