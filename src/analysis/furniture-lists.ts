/**
 * The word lists and patterns behind furniture detection (see `furniture.ts`). They come from real
 * pages: the seed news page (a "Related Articles" box of teasers) and the crawled local-news pages
 * of the GVA incident set (video and JavaScript notices, account and notification prompts, share
 * bars, copyright lines). Every pattern is anchored and tested only against lines of at most
 * `MAX_CLUTTER_LINE_LENGTH` characters, so each test is cheap and a long paragraph is never one.
 */

/**
 * Headings that open a page's trailing furniture box: when one stands as a whole line and enough
 * story precedes it (`MIN_STORY_BEFORE_FURNITURE`), the story ends there. Compared with a line
 * lower-cased, single-spaced and without trailing punctuation, so "RELATED STORIES:" matches.
 * A heading word inside a sentence never cuts: only a line equal to a heading does. Add a site's
 * own headings with the `headings` analysis option.
 *
 * @example
 * ```ts
 * FURNITURE_HEADINGS.includes('related articles') // true
 * new RelatedIndex({ analysis: { headings: ['Elsewhere on Example News'] } })
 * ```
 */
export const FURNITURE_HEADINGS: readonly string[] = Object.freeze([
  'related articles', 'related stories', 'related content', 'related coverage', 'related links', 'related',
  'you may also like', 'you might also like', 'recommended', 'recommended for you', 'recommended stories',
  'most popular', 'most read', 'most viewed', 'hashtags', 'more stories', 'more news', 'read next',
  'trending stories', 'top trending', 'trending now', 'latest news', 'latest headlines', 'previous stories',
  'also on huffpost', 'comments', 'from around the web', 'around the web', 'sponsored stories',
])

/**
 * Headings given as patterns: "More from WAVE3.COM", "More stories on WVVA.com", "Read more top
 * trending stories on wsoctv.com". Tested against the lower-cased line without trailing punctuation.
 */
export const FURNITURE_HEADING_PATTERNS: readonly RegExp[] = Object.freeze([
  /^more (?:from|stories (?:from|on)|news (?:from|on)) [\w .'&-]{1,60}$/,
  /^read more (?:top )?(?:trending )?stories (?:from|on) [\w .'&-]{1,60}$/,
])

/**
 * Crawler junk: lines that are never news, wherever they stand. Tested against the trimmed line
 * without trailing punctuation (`.`, `!`, `?`, `:` …), case-insensitively.
 */
export const JUNK_PATTERNS: readonly RegExp[] = Object.freeze([
  // Video players, slideshows and scripts.
  /^please enable javascript to (?:watch|view|play) this (?:video|content)$/i,
  /^this (?:slideshow|video|content|feature) requires javascript$/i,
  /^(?:hide transcript show transcript|show transcript|scroll down for video|watch this story|watch the video|click to play video)$/i,
  // Captcha and e-mail-a-friend forms.
  /^you must enter the characters with black color that stand out from the other characters$/i,
  /^(?:message:\s*\*?\s*)?a friend wanted you to see this item from \S+/i,
  /^e-?mail this (?:story|article|page)? ?to a friend$/i,
  // Account, notification and newsletter prompts.
  /^your notification has been saved$/i,
  /^there was a problem saving your notification$/i,
  /^email notifications are only sent once a day/i,
  /^close get email notifications on .{1,60} daily$/i,
  /^(?:we have sent (?:you )?a (?:verification|confirmation) email|if you do not receive the verification message)/i,
  /^(?:thank you for registering|already have an account|welcome back\. please sign in|why are we asking this|just one more thing)$/i,
  /^sign in (?:using|with) (?:you|your)\b.{0,60}$/i,
  /^(?:by submitting your registration information|we look forward to seeing you on|click here to return to the page you were visiting)/i,
  /^(?:sign up|subscribe) (?:for|to) (?:one of )?our (?:free )?(?:email )?newsletters?$/i,
  /^sign up today\. it's free$/i,
  /^(?:don't miss a thing\. )?get email alerts from .{1,60}$/i,
  /^(?:never miss another facebook post from|stay updated with our rss feeds)/i,
  /^text "?\w+"? to \d{4,6} to sign up for/i,
  // Cookie banners.
  /^(?:this (?:site|website) uses cookies|we use cookies)\b.{0,180}$/i,
  // Apps and social follow prompts.
  /^(?:>>\s*)?download (?:our|the) (?:free )?(?:[\w ]{1,30} )?apps?\b.{0,80}$/i,
  /^take [\w ]{1,20} with you$/i,
  /^(?:follow|like) (?:us|[\w.]{1,30}) on (?:facebook|twitter|instagram)\b.{0,80}$/i,
  /^follow (?:us|[\w.]{2,30})(?::| on)?(?: (?:facebook|twitter|instagram|google\+?)(?: \|)?)*$/i,
  /^stay up to date, follow .{1,40} on twitter$/i,
  /^join the conversation on the .{1,40} facebook page$/i,
  /^(?:share this|like this): (?:facebook|twitter|email|like loading.*)$/i,
  /^like this: like loading/i,
  /^add a location to your tweets$/i,
  // Comment boxes.
  /^\d+ (?:pending )?comments?$/i,
  /^(?:leave a comment|post a comment|view comments|show comments|load comments|join the discussion)$/i,
  // Links to the story elsewhere and photo-store buttons.
  /^read or share this story: \S+$/i,
  /^read (?:the )?full (?:story|article) (?:at|on) \S+$/i,
  /^\*?watch .{1,80} below\*?$/i,
  /^(?:close|buy photo|click to enlarge|text size|a a)$/i,
  // Players and plug-ins.
  /^(?:having trouble viewing the video|sorry, your browser (?:doesn't|does not) support|you need the latest version of the adobe)/i,
  /^when you tweet with a location, twitter stores/i,
  // Alerts, apps and subscriptions in a sentence of their own.
  /^whenever .{1,60} posts new content/i,
  /^(?:get the latest from .{1,60} anytime|get alerted to news events|get breaking news, weather and traffic on the go)/i,
  /^(?:refresh \S+ and our app|subscribe now for|follow us online at|find .{1,30} on (?:twitter|facebook|instagram))/i,
  // Reporter contact lines.
  /^contact [\w .'-]{1,40}: \S+@\S+/i,
  /^to reach [\w .'-]{1,40}, (?:call|email|e-mail) /i,
  // Photo credits and pagers.
  /^\(?(?:photo|image|video|graphic)s?(?: credit)?: .{1,60}$/i,
  /^(?:getty images|ap photo|image via .{1,40}|page \d+ of \d+)$/i,
  // Corrections and reuse boxes.
  /^report an error or submit a tip to .{1,40}$/i,
  /^click here for reuse options$/i,
  // Copyright lines: "Copyright 2016 The Associated Press. All rights reserved. This material may not …".
  /^\(?(?:©|\(c\)|copyright)(?: ©| \(c\))? ?(?:\d{4}|by |(?:the )?associated press)/i,
  /^.{0,150}\ball rights reserved\b.{0,150}$/i,
])

/**
 * Words of share bars and navigation menus ("Twitter", "Email", "Print", "Pinterest"). A run of
 * short lines made only of these, like a share bar, is furniture; see `isMenuLine`.
 */
export const MENU_WORDS: ReadonlySet<string> = new Set([
  'facebook', 'twitter', 'google', 'google+', 'google plus', 'email', 'e-mail', 'print', 'pinterest', 'linkedin',
  'reddit', 'tumblr', 'whatsapp', 'pocket', 'more', 'share', 'save', 'close', 'comments', 'comment', 'copy',
  'copy link', 'copy link copy', 'sms', 'text size', 'a a', 'tweet', 'play facebook', 'play twitter', 'enlarge',
  'photos', 'video', 'videos', 'home', 'menu', 'search', 'news', 'sports', 'weather', 'x', 'instagram', 'youtube',
  'messenger', 'flipboard', 'stumbleupon', 'digg', 'share on facebook', 'share on twitter', 'share via email',
])

/** Shortest run of menu lines dropped as a share bar or menu: one "Email" line may be a story's. */
export const MIN_MENU_RUN = 3

/**
 * A relative time, the anchor of a teaser: "8 hours ago", "an hour ago", "Yesterday". Tested
 * against the lower-cased line without trailing punctuation.
 */
export const RELATIVE_TIME = /^(?:(?:\d{1,4}|an?|one) (?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?|years?) ago|yesterday|just now)$/

/** A video playlist item: a duration, then a headline ("1:45 Fresno County Jail shooting suspect appears in court"). */
export const PLAYLIST_ITEM = /^\d{1,2}:\d{2} (?!(?:a\.?m|p\.?m)\b)[A-Z0-9"'].{4,150}[^.]$/

/**
 * Words that make up much of any English sentence; a line with few of them is a label, a name
 * list or a menu rather than prose (jusText's stop-word density). A short list suffices: it only
 * needs to tell prose from labels.
 */
export const PROSE_WORDS: ReadonlySet<string> = new Set([
  'the', 'a', 'an', 'and', 'or', 'but', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'by', 'from', 'as', 'is',
  'was', 'are', 'were', 'be', 'been', 'has', 'have', 'had', 'he', 'she', 'it', 'they', 'his', 'her', 'their',
  'that', 'this', 'who', 'which', 'not', 'no', 'said', 'after', 'when', 'where', 'into', 'about', 'will', 'would',
])
