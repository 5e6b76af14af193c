/**
 * @ppma/video-io: see README.md. Its API arrives with its issue; nothing is exported yet.
 */
export {};
