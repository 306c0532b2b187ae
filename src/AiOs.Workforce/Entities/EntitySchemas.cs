namespace AiOs.Workforce.Entities;

/// <summary>A customer of the operator's business.</summary>
public sealed record Customer(string Name, string? Email = null, string? Company = null, string? Notes = null, string? Tier = null);

/// <summary>A piece of work for a customer.</summary>
public sealed record Project(string CustomerId, string Name, string Status = "active", DateOnly? DueOn = null, string? Description = null);

/// <summary>A prospective customer; <see cref="CustomerId"/> is set once it converted.</summary>
public sealed record Lead(string Name, string? Email = null, string Source = "unknown", string Stage = "new", string? CustomerId = null, string? Company = null, string? Notes = null);

/// <summary>Something written for publication: a post, a newsletter, a report.</summary>
public sealed record ContentItem(string Title, string Channel, string Status = "draft", string? Body = null, string? CustomerId = null);

/// <summary>A bill to a customer. Amounts are in minor units (cents) so that no rounding ever happens.</summary>
public sealed record Invoice(string CustomerId, long AmountMinor, string Currency, string Status = "draft", string? ProjectId = null, DateOnly? DueOn = null);
