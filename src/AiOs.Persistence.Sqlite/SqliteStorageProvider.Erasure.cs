using AiOs.Persistence.Shared;
using AiOs.Persistence.Spend;

namespace AiOs.Persistence.Sqlite;

// Forgetting a customer: the rows of the ledger, the approval queue and the spend tables that name them or carry what
// was written about them. Each erasure is one transaction, and a repeated one changes nothing.
public sealed partial class SqliteStorageProvider
{
    private const string EraseLedgerSql = """
        UPDATE aios_action_ledger
        SET request = '{}', result = NULL, error = NULL, resolution = NULL, version = version + 1, updated_at = $now
        WHERE goal_id = $goal AND (request <> '{}' OR result IS NOT NULL OR error IS NOT NULL OR resolution IS NOT NULL)
        """;

    private const string EraseApprovalsSql = """
        UPDATE aios_approvals
        SET summary = '(erased)', payload = '{}', sources = '[]', decision_reason = NULL,
            final_payload = CASE WHEN final_payload IS NULL THEN NULL ELSE '{}' END, version = version + 1, updated_at = $now
        WHERE goal_id = $goal AND (summary <> '(erased)' OR payload <> '{}' OR sources <> '[]' OR decision_reason IS NOT NULL
            OR (final_payload IS NOT NULL AND final_payload <> '{}'))
        """;

    private const string EraseRecipientsSql = "UPDATE aios_policy_decisions SET recipient = NULL WHERE goal_id = $goal AND recipient IS NOT NULL";

    private const string EraseSpendCustomerSql = "UPDATE aios_spend SET customer_id = NULL WHERE customer_id = $customer";

    private const string EraseReservationCustomerSql = "UPDATE aios_spend_reservations SET customer_id = NULL WHERE customer_id = $customer";

    private const string DeleteCustomerTotalsSql = "DELETE FROM aios_spend_totals WHERE scope = $scope AND subject = $customer";

    private const string DeleteCustomerBudgetSql = "DELETE FROM aios_budgets WHERE scope = $scope AND subject = $customer";

    /// <inheritdoc />
    public Task<long> EraseGoalActionsAsync(string goalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        return WriteAsync(connection =>
        {
            var now = SqliteTime.ToMicroseconds(_time.GetUtcNow());
            return (long)Execute(connection, null, EraseLedgerSql, ("$goal", goalId), ("$now", now));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> EraseGoalApprovalsAsync(string goalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        return WriteAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var now = SqliteTime.ToMicroseconds(_time.GetUtcNow());
            long changed = Execute(connection, transaction, EraseApprovalsSql, ("$goal", goalId), ("$now", now));
            changed += Execute(connection, transaction, EraseRecipientsSql, ("$goal", goalId));
            transaction.Commit();
            return changed;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> EraseCustomerSpendAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var scope = SpendRules.Stored(BudgetScope.Customer);
        return WriteAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            long changed = Execute(connection, transaction, EraseSpendCustomerSql, ("$customer", customerId));
            changed += Execute(connection, transaction, EraseReservationCustomerSql, ("$customer", customerId));
            changed += Execute(connection, transaction, DeleteCustomerTotalsSql, ("$scope", scope), ("$customer", customerId));
            changed += Execute(connection, transaction, DeleteCustomerBudgetSql, ("$scope", scope), ("$customer", customerId));
            transaction.Commit();
            return changed;
        }, cancellationToken);
    }
}
