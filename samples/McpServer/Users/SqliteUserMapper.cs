using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TokenValidation;
using TokenValidation.AspNetCore.UserMapping;

namespace McpServerSample.Users;

/// <summary>
/// Find-or-create: the AuthKit user becomes a row in the <c>Users</c> table, found by email (else by subject) or
/// inserted. Runs only when a token is freshly validated; the id it returns is cached with the identity.
/// </summary>
public sealed class SqliteUserMapper(SampleDbContext db, TimeProvider time) : IMcpUserMapper
{
    /// <inheritdoc />
    public async ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        string? email = identity.Email?.Trim().ToLowerInvariant();
        if (await FindAsync(identity.Subject, email, cancellationToken) is { } existing)
        {
            return existing;
        }

        var user = new AppUser { Id = Guid.NewGuid(), Email = email, Subject = identity.Subject, Name = identity.Name, CreatedAt = time.GetUtcNow() };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return user.Id.ToString("D", CultureInfo.InvariantCulture);
        }
        catch (DbUpdateException)
        {
            // Another request (another token of the same user, or another replica) inserted first: the unique index
            // refused ours, so use the row that won.
            db.ChangeTracker.Clear();
            return await FindAsync(identity.Subject, email, cancellationToken)
                ?? throw new InvalidOperationException("The user could be neither created nor found.");
        }
    }

    private async Task<string?> FindAsync(string subject, string? email, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking();
        var id = await (email is null ? users.Where(u => u.Email == null && u.Subject == subject) : users.Where(u => u.Email == email))
            .Select(u => (Guid?)u.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return id?.ToString("D", CultureInfo.InvariantCulture);
    }
}
