using AiOs.Persistence.Ledger;

namespace AiOs.Persistence.Shared;

/// <summary>Statuses are stored by name, so that a row reads the same whatever the enum's numbering becomes.</summary>
internal static class LedgerStatus
{
    public static ActionStatus Parse(string stored) =>
        Enum.TryParse<ActionStatus>(stored, ignoreCase: false, out var status) && Enum.IsDefined(status)
            ? status
            : throw new InvalidOperationException($"The action ledger holds an unknown status '{stored}'.");
}
