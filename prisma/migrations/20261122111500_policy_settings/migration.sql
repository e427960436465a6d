-- AlterTable
ALTER TABLE "collection_policies" ADD COLUMN     "settings" JSONB;

