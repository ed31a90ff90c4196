using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenValidation.AspNetCore.UserMapping;

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>
/// Find-or-create by subject, else by an email the issuer vouches for. Safe when two first requests for one new user
/// race: the unique indexes let exactly one insert win, and the loser reads the winner's row back.
/// </summary>
public sealed class AppUserMapper(UsersDbContext db, TimeProvider time) : IMcpUserMapper
{
    // SQLITE_CONSTRAINT_UNIQUE; on PostgreSQL catch PostgresException with SqlState "23505" instead.
    private const int SqliteConstraintUnique = 2067;

    public async ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken)
    {
        var email = McpUserEmail.Linkable(identity, new McpUserMappingOptions());
        var existing = await FindAsync(email, identity.Subject, cancellationToken);
        if (existing is not null)
        {
            return Id(existing);
        }

        var user = new AppUser { Email = email, Subject = identity.Subject, Name = identity.Name, CreatedAt = time.GetUtcNow() };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Id(user);
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique })
        {
            // Another request created this user between our read and our insert: theirs is the user.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(email, identity.Subject, cancellationToken)
                ?? throw new InvalidOperationException("The user was created concurrently but cannot be read back.", ex);
            return Id(winner);
        }
    }

    private async Task<AppUser?> FindAsync(string? email, string subject, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Subject == subject, cancellationToken)
        ?? (email is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email, cancellationToken));

    private static string Id(AppUser user) => user.Id.ToString(CultureInfo.InvariantCulture);
}
