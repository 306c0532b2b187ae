namespace AiOs.Persistence.Spend;

/// <summary>What model calls cost, and the budgets that cap it. A call is reserved before it is made (its estimate held
/// against every budget of its subject, refused when one would be overshot) and settled after (the estimate released, the
/// real cost recorded). Reservation is decided by the database, so that concurrent calls from any number of silos never
/// reserve past a cap together. Implementations own their SQL; every method may throw
/// <see cref="StorageUnavailableException"/>.</summary>
public interface ISpendStore
{
    /// <summary>Holds <paramref name="reservation"/>'s amount against every budget of its subject, unless for one of them
    /// spent + reserved + amount would exceed its limit; then nothing is held and that budget is returned. Reservations
    /// made before <paramref name="staleBefore"/> and never settled (their silo died mid-call) are released first.</summary>
    /// <exception cref="ArgumentException">The amount is negative or the id empty.</exception>
    Task<ReservationOutcome> TryReserveAsync(SpendReservation reservation, DateTimeOffset staleBefore, CancellationToken cancellationToken = default);

    /// <summary>Settles a reservation: releases its amount and, when the call was made, records <paramref name="actual"/>
    /// (spend counts in the reservation's period). A reservation already settled or released as stale is not released
    /// again; the spend is still recorded, once per call id.</summary>
    Task SettleAsync(string reservationId, SpendRecord? actual, CancellationToken cancellationToken = default);

    /// <summary>Sets a budget's limit (creating or replacing it) and returns it with what counts against it at
    /// <paramref name="at"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is negative.</exception>
    Task<BudgetStatus> SetBudgetAsync(BudgetKey key, long limitMicros, DateTimeOffset at, string setBy, CancellationToken cancellationToken = default);

    /// <summary>Every budget, with what counts against it in the period that contains <paramref name="at"/>, ordered by
    /// scope and subject.</summary>
    Task<IReadOnlyList<BudgetStatus>> ListBudgetsAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Recorded spend, grouped and filtered as <paramref name="query"/> asks, ordered by key.</summary>
    /// <exception cref="ArgumentException">The range is empty or reversed.</exception>
    Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken = default);

    /// <summary>The calls recorded for <paramref name="goalId"/>, one row each, oldest first, at most
    /// <paramref name="limit"/>: a goal's own account of what its model work cost.</summary>
    /// <exception cref="ArgumentException">The goal id is empty or the limit is not 1 to <see cref="SpendLimits.MaxGoalCalls"/>.</exception>
    Task<IReadOnlyList<SpendRecord>> ListGoalCallsAsync(string goalId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="customerId"/> from the spend records and reservations (their cost still counts
    /// for the day, goal and role) and deletes the customer's budget and its totals. Returns how many rows were changed
    /// or deleted.</summary>
    Task<long> EraseCustomerSpendAsync(string customerId, CancellationToken cancellationToken = default);
}

/// <summary>Bounds of the spend store's listings.</summary>
public static class SpendLimits
{
    /// <summary>Most calls <see cref="ISpendStore.ListGoalCallsAsync"/> returns at once.</summary>
    public const int MaxGoalCalls = 1000;
}
