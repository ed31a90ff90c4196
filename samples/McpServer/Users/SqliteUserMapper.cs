using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenValidation;
using TokenValidation.AspNetCore.UserMapping;

namespace McpServerSample.Users;

/// <summary>
/// Find-or-create, safely: a returning identity is found by (issuer, subject); a new one is linked to an existing user
/// only by an email its issuer vouches for (<see cref="McpUserEmail.Linkable"/>), else it becomes a new user. Runs only
/// when a token is freshly validated; the id it returns is cached with the identity.
/// </summary>
public sealed class SqliteUserMapper(SampleDbContext db, TimeProvider time, IOptions<McpUserMappingOptions> options) : IMcpUserMapper
{
    /// <inheritdoc />
    public async ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        string issuer = identity.Source;
        string? email = McpUserEmail.Linkable(identity, options.Value);
        for (int attempt = 1; ; attempt++)
        {
            if (await FindByLoginAsync(issuer, identity.Subject, cancellationToken) is { } known)
            {
                return Id(known);
            }

            var userId = email is null ? null : await FindByEmailAsync(email, cancellationToken);
            if (userId is null)
            {
                userId = Guid.NewGuid();
                db.Users.Add(new AppUser { Id = userId.Value, Email = email, Name = identity.Name, CreatedAt = time.GetUtcNow() });
            }

            db.Logins.Add(new UserLogin { Issuer = issuer, Subject = identity.Subject, UserId = userId.Value });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return Id(userId.Value);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another request (another token of the same person, or another replica) inserted this login or this
                // email first: a unique index refused ours, so look again and use the row that won. Two rounds at most:
                // a lost email race, then a lost race for this login on the user that won it.
                db.ChangeTracker.Clear();
            }
        }
    }

    private Task<Guid?> FindByLoginAsync(string issuer, string subject, CancellationToken cancellationToken) =>
        db.Logins.AsNoTracking().Where(l => l.Issuer == issuer && l.Subject == subject).Select(l => (Guid?)l.UserId).FirstOrDefaultAsync(cancellationToken);

    // Ordinal (SQLite's BINARY collation) on the normalized form: only ASCII letters were folded.
    private Task<Guid?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Email == email).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
