// O2: staff are invited by e-mail. The invitee gets a one-time link (its token's SHA-256 is all that
// is kept) to set a password, or, when the e-mail has an account already, to sign in with it. The
// owner's answer and the e-mail are the same either way: inviting tells nobody whether the address
// is staff of another business. Who invited whom is in the activity log; the token never is.
import type { Temporal } from "temporal-polyfill";
import type { Role } from "../../db/schema.js";
import { AppError, conflict } from "../../domain/errors.js";
import { toDate } from "../../domain/validity.js";
import { logActivity, logAdminAction } from "../activity.js";
import { type App, authorize, type Ctx, type Executor, inTransaction } from "../context.js";
import { getLocation } from "../lookups.js";
import { mailWords } from "../mail-words.js";
import { enqueueMail } from "../outbox.js";
import { newSecret, type SignedIn, sha256, startSession } from "../sign-in.js";
import { INVITATION_DAYS, invitationMail } from "./mails.js";
import { accountByEmail, addMember, isStaffOf, normalEmail, passwordForLink } from "./members.js";

export interface InvitationInput {
  name: string;
  email: string;
  role: Role;
  homeLocationId: string;
}

interface InvitationRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  home_location_id: string;
  created_at: Date;
  sent_at: Date;
  expires_at: Date;
}

export function invitationView(i: InvitationRow, now: Temporal.Instant) {
  return {
    id: i.id,
    name: i.name,
    email: i.email,
    role: i.role,
    homeLocationId: i.home_location_id,
    status: i.expires_at.getTime() > now.epochMilliseconds ? ("pending" as const) : ("expired" as const),
    invitedAt: i.created_at.toISOString(),
    sentAt: i.sent_at.toISOString(),
    expiresAt: i.expires_at.toISOString(),
  };
}
export type InvitationView = ReturnType<typeof invitationView>;

const COLUMNS = [
  "id",
  "name",
  "email",
  "role",
  "home_location_id",
  "created_at",
  "sent_at",
  "expires_at",
] as const;

/** The link's path in the web app. */
export const invitationPath = (token: string) => `/invite/${token}`;

async function sendInvitation(
  tx: Executor,
  ctx: Ctx,
  invitation: InvitationRow,
  token: string,
  linkBase: string,
): Promise<void> {
  const business = await tx
    .selectFrom("businesses")
    .select(["name", "language"])
    .where("id", "=", ctx.actor.businessId)
    .executeTakeFirstOrThrow();
  // U2: the person is not staff yet, so has no language of their own: the business's.
  const home = await tx
    .selectFrom("locations")
    .select("locale")
    .where("business_id", "=", ctx.actor.businessId)
    .where("id", "=", invitation.home_location_id)
    .executeTakeFirstOrThrow();
  const inviter = await tx
    .selectFrom("staff")
    .select("name")
    .where("business_id", "=", ctx.actor.businessId)
    .where("id", "=", ctx.actor.staffId)
    .executeTakeFirstOrThrow();
  const mail = invitationMail(mailWords(business.language, home.locale), {
    name: invitation.name,
    role: invitation.role,
    businessName: business.name,
    inviterName: inviter.name,
    link: `${linkBase}${invitationPath(token)}`,
  });
  await enqueueMail(tx, {
    businessId: ctx.actor.businessId,
    dedupeKey: `staff-invitation:${invitation.id}:${invitation.sent_at.getTime()}`,
    to: invitation.email,
    ...mail,
    at: ctx.clock(),
    secret: true,
  });
}

const expiryFrom = (now: Temporal.Instant) => toDate(now.add({ hours: INVITATION_DAYS * 24 }));

/**
 * Invites a person by e-mail (owner). Refused only for what the business itself knows: the e-mail is
 * its staff already, or has an open invitation of it. Whether the address has an account, here or
 * anywhere, changes nothing in the answer or the e-mail.
 */
export async function inviteStaff(
  ctx: Ctx,
  input: InvitationInput,
  options: { linkBase: string },
  db: Executor = ctx.database.db,
): Promise<InvitationView> {
  authorize(ctx, "manage_staff");
  const email = normalEmail(input.email);
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    await getLocation(tx, ctx.actor.businessId, input.homeLocationId, "homeLocationId");
    if (await isStaffOf(tx, ctx.actor.businessId, email))
      throw conflict("already_staff", "This e-mail address is already staff of the business.", "email");
    const token = newSecret();
    const invitation = await tx
      .insertInto("staff_invitations")
      .values({
        business_id: ctx.actor.businessId,
        token_hash: sha256(token),
        email,
        name: input.name.trim(),
        role: input.role,
        home_location_id: input.homeLocationId,
        invited_by: ctx.actor.staffId,
        created_at: toDate(now),
        sent_at: toDate(now),
        expires_at: expiryFrom(now),
      })
      .onConflict((oc) =>
        oc
          .columns(["business_id", "email"])
          .where("accepted_at", "is", null)
          .where("cancelled_at", "is", null)
          .doNothing(),
      )
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!invitation)
      throw conflict(
        "already_invited",
        "This e-mail address has an open invitation: resend or cancel it.",
        "email",
      );
    await sendInvitation(tx, ctx, invitation, token, options.linkBase);
    const view = invitationView(invitation, now);
    // Who may join as an owner or a manager, and who said so, is the first question after an incident.
    await logAdminAction(tx, ctx, "invite_staff", {
      invitation: { id: view.id, name: view.name, email: view.email, role: view.role },
    });
    return view;
  });
}

/** Open invitations of the business (owner): pending, or expired and not yet cancelled. */
export async function listInvitations(ctx: Ctx): Promise<InvitationView[]> {
  authorize(ctx, "manage_staff");
  const rows = await ctx.database.db
    .selectFrom("staff_invitations")
    .select(COLUMNS)
    .where("business_id", "=", ctx.actor.businessId)
    .where("accepted_at", "is", null)
    .where("cancelled_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
  const now = ctx.clock();
  return rows.map((r) => invitationView(r, now));
}

const invitationNotFound = () =>
  new AppError("not_found", "invitation_not_found", "No such invitation.", "invitationId");

/** Sends an open invitation again with a new link and expiry; the link sent before stops working. */
export async function resendInvitation(
  ctx: Ctx,
  invitationId: string,
  options: { linkBase: string },
  db: Executor = ctx.database.db,
): Promise<InvitationView> {
  authorize(ctx, "manage_staff");
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    const token = newSecret();
    const invitation = await tx
      .updateTable("staff_invitations")
      .set({ token_hash: sha256(token), sent_at: toDate(now), expires_at: expiryFrom(now) })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", invitationId)
      .where("accepted_at", "is", null)
      .where("cancelled_at", "is", null)
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!invitation) throw invitationNotFound();
    await sendInvitation(tx, ctx, invitation, token, options.linkBase);
    await logAdminAction(tx, ctx, "resend_staff_invitation", {
      invitation: { id: invitation.id, name: invitation.name, email: invitation.email },
    });
    return invitationView(invitation, now);
  });
}

/** Cancels an open invitation: its link stops working. */
export async function cancelInvitation(
  ctx: Ctx,
  invitationId: string,
  db: Executor = ctx.database.db,
): Promise<{ id: string; cancelled: true }> {
  authorize(ctx, "manage_staff");
  return inTransaction(db, async (tx) => {
    const invitation = await tx
      .updateTable("staff_invitations")
      .set({ cancelled_at: toDate(ctx.clock()) })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", invitationId)
      .where("accepted_at", "is", null)
      .where("cancelled_at", "is", null)
      .returning(["id", "name", "email"])
      .executeTakeFirst();
    if (!invitation) throw invitationNotFound();
    await logAdminAction(tx, ctx, "cancel_staff_invitation", { invitation });
    return { id: invitation.id, cancelled: true as const };
  });
}

// ---- the invitee's side: the public page the link opens ----

async function openInvitation(db: Executor, token: string, now: Temporal.Instant) {
  const row = await db
    .selectFrom("staff_invitations as i")
    .innerJoin("businesses as b", "b.id", "i.business_id")
    .select([
      "i.business_id",
      "i.id",
      "i.name",
      "i.email",
      "i.role",
      "i.expires_at",
      "i.accepted_at",
      "i.cancelled_at",
      "b.name as business_name",
    ])
    .where("i.token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row || row.cancelled_at)
    throw new AppError("not_found", "invitation_not_found", "This invitation link is not valid.");
  if (row.accepted_at)
    throw new AppError("not_found", "invitation_used", "This invitation was accepted already: sign in.");
  if (row.expires_at.getTime() <= now.epochMilliseconds)
    throw new AppError("not_found", "invitation_expired", "This invitation has expired: ask for a new one.");
  return row;
}

/**
 * What the invitation link shows its holder: the business, their name and role, and whether they
 * sign in with the password they have (their own e-mail's account) or choose one. Nothing about
 * any other business.
 */
export async function viewInvitation(app: App, token: string) {
  const row = await openInvitation(app.database.db, token, app.clock());
  const account = await accountByEmail(app.database.db, row.email);
  return {
    businessName: row.business_name,
    name: row.name,
    email: row.email,
    role: row.role,
    hasAccount: Boolean(account?.password_hash),
    expiresAt: row.expires_at.toISOString(),
  };
}

/**
 * Accepts the invitation once: a person without an account chooses a password; one with an account
 * signs in with it (checked, and throttled, like any sign-in). They become staff and are signed in
 * to this business.
 */
export async function acceptInvitation(
  app: App,
  token: string,
  input: { password: string; ip: string },
): Promise<SignedIn> {
  const db = app.database.db;
  const found = await openInvitation(db, token, app.clock());
  const passwordHash = await passwordForLink(app, found.email, input);
  const now = app.clock();
  return db.transaction().execute(async (tx) => {
    // Locked, so that of two accepts at once the second finds it accepted.
    const invitation = await tx
      .selectFrom("staff_invitations")
      .select(["business_id", "id", "name", "email", "role", "home_location_id", "invited_by"])
      .where("token_hash", "=", sha256(token))
      .where("accepted_at", "is", null)
      .where("cancelled_at", "is", null)
      .where("expires_at", ">", toDate(now))
      .forUpdate()
      .executeTakeFirst();
    // Accepted, cancelled or expired since it was read: the reason, as the page shows it.
    if (!invitation) await openInvitation(tx, token, now);
    if (!invitation)
      throw new AppError("not_found", "invitation_used", "This invitation was accepted already.");
    const { member } = await addMember(tx, {
      businessId: invitation.business_id,
      name: invitation.name,
      email: invitation.email,
      role: invitation.role,
      homeLocationId: invitation.home_location_id,
      passwordHash,
    });
    await tx
      .updateTable("staff_invitations")
      .set({ accepted_at: toDate(now), accepted_staff_id: member.id })
      .where("business_id", "=", invitation.business_id)
      .where("id", "=", invitation.id)
      .execute();
    await logActivity(tx, {
      businessId: invitation.business_id,
      at: now,
      actorStaffId: member.id,
      locationId: invitation.home_location_id,
      action: "accept_staff_invitation",
      details: {
        invitation: { id: invitation.id, invitedBy: invitation.invited_by },
        staff: { id: member.id, name: member.name, email: member.email, role: member.role },
      },
    });
    return startSession(tx, member, undefined, now);
  });
}
